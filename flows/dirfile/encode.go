package dirfile

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"frontdoor/flows"
)

// header opens every exported file, so a volunteer who finds it on a disk
// knows what it is and how it goes back in.
const header = `# frontdoor directory: networks, centres, opening hours, closures.
# Edit it with any text editor and load it back with
#   frontdoor directory import FILE
# (or send it to the bot). The format is described in the sample directory
# and in the documentation of the package frontdoor/flows/dirfile.
`

// Encode writes d in the directory file format, one key per line and every
// weekday spelled out, so that a volunteer can edit it by hand and a diff
// shows what changed. Decode(Encode(d)) gives d back, except that empty
// lists come back as nil. Text that is not valid UTF-8 cannot be written in
// TOML and is an error.
func Encode(w io.Writer, d flows.DirectoryData) error {
	e := &encoder{w: bufio.NewWriter(w)}
	e.raw(header)
	e.raw("\n")
	e.kv("sample", strconv.FormatBool(d.Sample))
	for _, n := range d.Networks {
		e.raw("\n[[network]]\n")
		e.kv("id", e.quote(n.ID))
		e.kv("name", e.quote(n.Name))
		if n.ShortName != "" {
			e.kv("short_name", e.quote(n.ShortName))
		}
		e.kv("province", e.quote(n.Province))
	}
	for i := range d.Centres {
		e.centre(&d.Centres[i])
	}
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// encoder writes TOML and keeps the first error.
type encoder struct {
	w   *bufio.Writer
	err error
}

func (e *encoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *encoder) kv(key, value string) { e.raw(key + " = " + value + "\n") }

// maxLine is the longest list Encode keeps on one line.
const maxLine = 100

// kvList writes a list on one line, or one item a line when that line would
// be too long to read.
func (e *encoder) kvList(key string, items []string) {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = e.quote(s)
	}
	one := "[" + strings.Join(q, ", ") + "]"
	if len(key)+3+len(one) <= maxLine {
		e.kv(key, one)
		return
	}
	e.kv(key, "[\n  "+strings.Join(q, ",\n  ")+",\n]")
}

func (e *encoder) centre(c *flows.Centre) {
	e.raw("\n[[centre]]\n")
	e.kv("id", e.quote(c.ID))
	e.kv("network", e.quote(c.Network))
	e.kv("name", e.quote(c.Name))
	if c.ShortName != "" {
		e.kv("short_name", e.quote(c.ShortName))
	}
	e.kv("town", e.quote(c.Town))
	e.kv("address", e.quote(c.Address))
	e.kv("address_confidential", strconv.FormatBool(c.AddressConfidential))
	e.kv("lat", formatFloat(c.Lat))
	e.kv("lon", formatFloat(c.Lon))
	e.kvList("phones", c.Phones)
	e.kvList("towns", c.Towns)
	e.kvList("languages", c.Languages)
	e.kvList("services", c.Services)
	e.kv("open_on_holidays", strconv.FormatBool(c.OpenOnHolidays))
	e.raw("\n[centre.hours]\n")
	for i, day := range dayKeys {
		slots := c.Hours[(i+1)%7] // dayKeys start on Monday, Week on Sunday
		parts := make([]string, len(slots))
		for k, s := range slots {
			parts[k] = s.Open.String() + "-" + s.Close.String()
		}
		e.kvList(day, parts)
	}
	for _, cl := range c.Closures {
		e.raw("\n[[centre.closure]]\n")
		e.kv("from", e.quote(cl.From.String()))
		e.kv("to", e.quote(cl.To.String()))
		e.kv("reason", e.quote(cl.Reason))
	}
}

// quote writes a TOML basic string. Letters with accents stay as they are;
// control characters are escaped.
func (e *encoder) quote(s string) string {
	if !utf8.ValidString(s) {
		if e.err == nil {
			e.err = fmt.Errorf("dirfile: %q is not valid UTF-8 text", s)
		}
		return `""`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// formatFloat writes the shortest form that reads back as the same float.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}
