package dirfile

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"frontdoor/flows/directory"
)

// header opens every exported file, so a volunteer who finds it on a disk
// knows what it is and how it goes back in.
const header = `# frontdoor directory: networks, centres, opening hours, closures.
# Edit it with any text editor and load it back with
#   frontdoor directory import FILE
# (or send it to the bot). The format is described in the sample directory
# and in the documentation of the package frontdoor/flows/dirfile.
`

// Commenter gives the comment written above a key of the file, in the
// reader's language; "" writes none. The keys are "header", "sample",
// "network", "centre", "hours" and "closure" (above each table) and
// "network.<key>", "centre.<key>", "closure.<key>" (above each value).
// Decode skips comments, so a file keeps its data whatever its comments
// say, and Encode writes the same comments again.
type Commenter func(key string) string

// Encode writes d in the directory file format, one key per line and every
// weekday spelled out, so that a volunteer can edit it by hand and a diff
// shows what changed, with a short header and no other comment.
// Decode(Encode(d)) gives d back, except that empty lists come back as
// nil. Text that is not valid UTF-8 cannot be written in TOML and is an
// error.
func Encode(w io.Writer, d directory.Data) error { return EncodeCommented(w, d, nil) }

// EncodeCommented is Encode with a short comment above every value, from
// c: the file a volunteer downloads explains itself in her language.
func EncodeCommented(w io.Writer, d directory.Data, c Commenter) error {
	e := &encoder{w: bufio.NewWriter(w), c: c}
	if !e.comment("header") {
		e.raw(header)
	}
	e.raw("\n")
	e.comment("sample")
	e.kv("sample", strconv.FormatBool(d.Sample))
	for _, n := range d.Networks {
		e.table("network", "[[network]]")
		e.field("network", "id", e.quote(n.ID))
		e.field("network", "name", e.quote(n.Name))
		e.field("network", "short_name", e.quote(n.ShortName))
		e.field("network", "province", e.quote(n.Province))
		e.field("network", "phone_24h", e.quote(n.Phone24h))
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
	c   Commenter
	err error
}

func (e *encoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *encoder) kv(key, value string) { e.raw(key + " = " + value + "\n") }

// comment writes the comment of key, every line behind a "#", and tells
// whether there was one.
func (e *encoder) comment(key string) bool {
	if e.c == nil {
		return false
	}
	text := strings.TrimSpace(strings.ReplaceAll(e.c(key), "\r", ""))
	if text == "" {
		return false
	}
	for _, line := range strings.Split(text, "\n") {
		e.raw(strings.TrimRight("# "+line, " ") + "\n")
	}
	return true
}

// table starts a table after an empty line, with the comment of key.
func (e *encoder) table(key, header string) {
	e.raw("\n")
	e.comment(key)
	e.raw(header + "\n")
}

// field writes a value with the comment of its key in scope.
func (e *encoder) field(scope, key, value string) {
	e.comment(scope + "." + key)
	e.kv(key, value)
}

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

// centre writes a centre's keys in the order of directory.FileKeys.
func (e *encoder) centre(c *directory.Centre) {
	e.table("centre", "[[centre]]")
	text := map[string]string{"id": c.ID, "network": c.Network, "name": c.Name, "short_name": c.ShortName, "town": c.Town, "address": c.Address}
	flag := map[string]bool{"address_confidential": c.AddressConfidential, "open_on_holidays": c.OpenOnHolidays, "draft": c.Draft}
	number := map[string]float64{"lat": c.Lat, "lon": c.Lon}
	list := map[string][]string{"phones": c.Phones, "towns": c.Towns, "languages": c.Languages, "services": c.Services}
	for _, key := range directory.FileKeys() {
		if v, ok := text[key]; ok {
			e.field("centre", key, e.quote(v))
		} else if v, ok := flag[key]; ok {
			e.field("centre", key, strconv.FormatBool(v))
		} else if v, ok := number[key]; ok {
			e.field("centre", key, formatFloat(v))
		} else if v, ok := list[key]; ok {
			e.comment("centre." + key)
			e.kvList(key, v)
		} else if key == "hours" {
			e.hours(c.Hours)
		} else if key == "closure" {
			e.closures(c.Closures)
		} else if e.err == nil {
			e.err = fmt.Errorf("dirfile: no form for the key %q of a centre", key)
		}
	}
}

func (e *encoder) hours(w directory.Week) {
	e.table("hours", "[centre.hours]")
	for i, day := range dayKeys {
		slots := w[(i+1)%7] // dayKeys start on Monday, Week on Sunday
		parts := make([]string, len(slots))
		for k, s := range slots {
			parts[k] = s.Open.String() + "-" + s.Close.String()
		}
		e.kvList(day, parts)
	}
}

func (e *encoder) closures(cls []directory.Closure) {
	for _, cl := range cls {
		e.table("closure", "[[centre.closure]]")
		e.field("closure", "from", e.quote(cl.From.String()))
		e.field("closure", "to", e.quote(cl.To.String()))
		e.field("closure", "reason", e.quote(cl.Reason))
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

// Codec is Decode and Encode as a value, for the dialogues that exchange
// the directory file with staff (flows.DirectoryCodec).
type Codec struct {
	// Comments gives the comments of the file in a language; nil writes
	// the file without them.
	Comments func(lang string) Commenter
}

// Decode reads a directory file; see the package function.
func (Codec) Decode(r io.Reader) (directory.Data, error) { return Decode(r) }

// Encode writes a directory file with comments in lang; see
// EncodeCommented.
func (c Codec) Encode(w io.Writer, d directory.Data, lang string) error {
	var cm Commenter
	if c.Comments != nil {
		cm = c.Comments(lang)
	}
	return EncodeCommented(w, d, cm)
}
