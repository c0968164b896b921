package directory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field is one field of a centre, named as the directory file names it.
// Fields is the one table of them: the keys of the file, the fields staff
// edit one by one, the audit trail and the diff of directories all take
// their names from it, and messages "field.<Name>" say them in her
// language. A field the file writes as two keys, edited together, is
// named by the first: the address (with address_confidential) and the
// position (lat, with lon).
type Field struct {
	// Name is the key of the directory file.
	Name string
	// Keys are the keys of the file that hold it, Name first.
	Keys []string
	// value is what Diff compares.
	value func(c *Centre) any
	// text writes the value for the audit trail; nil writes "".
	text func(c *Centre) string
	// set reads the value as a volunteer types it; nil for a field that
	// is not typed.
	set func(c *Centre, s string) error
}

// Fields are the fields of a centre in the order of the directory file,
// its id aside.
var Fields = []Field{
	{Name: "network", value: func(c *Centre) any { return c.Network }},
	{Name: "name", value: func(c *Centre) any { return c.Name }, text: func(c *Centre) string { return c.Name },
		set: func(c *Centre, s string) error { c.Name = s; return nil }},
	{Name: "short_name", value: func(c *Centre) any { return c.ShortName }, text: func(c *Centre) string { return c.ShortName },
		set: setShortName},
	{Name: "town", value: func(c *Centre) any { return c.Town }, text: func(c *Centre) string { return c.Town },
		set: func(c *Centre, s string) error { c.Town = s; return nil }},
	{Name: "address", Keys: []string{"address", "address_confidential"},
		value: func(c *Centre) any { return [2]any{c.Address, c.AddressConfidential} },
		text: func(c *Centre) string {
			if c.AddressConfidential {
				return ConfidentialValue
			}
			return c.Address
		},
		set: setAddress},
	{Name: "lat", Keys: []string{"lat", "lon"},
		value: func(c *Centre) any { return [2]float64{c.Lat, c.Lon} },
		text: func(c *Centre) string {
			if c.AddressConfidential {
				return ConfidentialValue
			}
			return LatLonText(c.Lat, c.Lon)
		},
		set: func(c *Centre, s string) (err error) { c.Lat, c.Lon, err = ParseLatLon(s); return err }},
	{Name: "phones", value: func(c *Centre) any { return c.Phones }, text: joined(func(c *Centre) []string { return c.Phones }),
		set: func(c *Centre, s string) (err error) { c.Phones, err = ParsePhones(s); return err }},
	{Name: "towns", value: func(c *Centre) any { return c.Towns }, text: joined(func(c *Centre) []string { return c.Towns }),
		set: func(c *Centre, s string) error { c.Towns = SplitList(s); return nil }},
	{Name: "languages", value: func(c *Centre) any { return c.Languages }, text: joined(func(c *Centre) []string { return c.Languages }),
		set: func(c *Centre, s string) (err error) { c.Languages, err = ParseLanguages(s); return err }},
	{Name: "services", value: func(c *Centre) any { return c.Services }, text: joined(func(c *Centre) []string { return c.Services }),
		set: func(c *Centre, s string) (err error) { c.Services, err = ParseServices(s); return err }},
	{Name: "open_on_holidays", value: func(c *Centre) any { return c.OpenOnHolidays }},
	{Name: "draft", value: func(c *Centre) any { return c.Draft }},
	{Name: "hours", value: func(c *Centre) any { return WeekString(c.Hours) }},
	{Name: "closure", value: func(c *Centre) any { return c.Closures }},
}

// formerNames are names the staff dialogue, the audit trail and the diff
// gave fields before they took the file's: stored audit entries, sessions
// and buttons still carry them.
var formerNames = map[string]string{"location": "lat", "closures": "closure"}

// FieldNamed is the field of name, or of a former name of it.
func FieldNamed(name string) (Field, bool) {
	if n, ok := formerNames[name]; ok {
		name = n
	}
	i := slices.IndexFunc(Fields, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return Field{}, false
	}
	return Fields[i], true
}

// FileKeys are the keys of a centre in the directory file, in order.
func FileKeys() []string {
	keys := []string{"id"}
	for _, f := range Fields {
		keys = append(keys, f.keys()...)
	}
	return keys
}

func (f Field) keys() []string {
	if len(f.Keys) == 0 {
		return []string{f.Name}
	}
	return f.Keys
}

// Typed tells whether staff type the field's value (Set reads it).
func (f Field) Typed() bool { return f.set != nil }

// Text writes the field of c for the audit trail: what a volunteer could
// type back, and nothing of a confidential address or its position.
func (f Field) Text(c *Centre) string {
	if f.text == nil {
		return ""
	}
	return f.text(c)
}

// Set reads the field of c from what a volunteer typed ("45.1332,
// 10.0227" for the position; "riservato" for a confidential address).
func (f Field) Set(c *Centre, s string) error {
	if f.set == nil || s == "" || len([]rune(s)) > MaxTypedLen {
		return NewInputError(Clip(s, 20), "parse.bad_input")
	}
	return f.set(c, s)
}

func joined(list func(c *Centre) []string) func(c *Centre) string {
	return func(c *Centre) string { return strings.Join(list(c), ", ") }
}

// setAddress reads an address, or a word that makes it confidential.
// setShortName reads the short name of buttons and lists; "-" alone
// leaves the full name there.
func setShortName(c *Centre, s string) error {
	if s == "-" {
		c.ShortName = ""
		return nil
	}
	if utf8.RuneCountInString(s) > maxShortName {
		return NewInputError(s, "parse.too_long", "Max", maxShortName)
	}
	c.ShortName = s
	return nil
}

func setAddress(c *Centre, s string) error {
	switch strings.ToLower(s) {
	case "riservato", "riservata", "confidential", "-":
		c.Address, c.AddressConfidential = "", true
	default:
		c.Address, c.AddressConfidential = s, false
	}
	return nil
}

// ParseServices reads service keys ("listening, legal"); "-" alone is
// none.
func ParseServices(s string) ([]string, error) {
	var keys []string
	for _, k := range SplitList(strings.ToLower(s)) {
		if k == "-" {
			continue
		}
		if !slices.Contains(ServiceKeys, k) {
			return nil, NewInputError(k, "parse.unknown_service")
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// LatLonText writes a position as ParseLatLon reads it, to the metre.
func LatLonText(lat, lon float64) string { return fmt.Sprintf("%.5f,%.5f", lat, lon) }

// ParseLatLon reads "45.1332, 10.0227".
func ParseLatLon(s string) (lat, lon float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if ok {
		lat, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
	}
	if ok && err == nil {
		lon, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
	}
	if !ok || err != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 || lat != lat || lon != lon {
		return 0, 0, NewInputError(s, "parse.bad_location")
	}
	return lat, lon, nil
}
