package directory

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Change is one centre or network added, removed or changed by
// an import, for the dry run and the audit trail.
type Change struct {
	Kind    string // "added", "removed" or "changed"
	Network string
	Subject string // a centre or network id, or "sample"
	Name    string
	Fields  []string // for "changed": which fields
}

// String writes a change on one line, for the command line.
func (c Change) String() string {
	s := map[string]string{"added": "+", "removed": "-", "changed": "~"}[c.Kind] + " " + c.Subject
	if c.Name != "" && c.Name != c.Subject {
		s += " (" + c.Name + ")"
	}
	if len(c.Fields) > 0 {
		s += ": " + strings.Join(c.Fields, ", ")
	}
	return s
}

// networkFields are the fields compared to tell what an import changes in
// a network.
var networkFields = []struct {
	name string
	get  func(Network) string
}{
	{"name", func(n Network) string { return n.Name }},
	{"short_name", func(n Network) string { return n.ShortName }},
	{"province", func(n Network) string { return n.Province }},
	{"phone_24h", func(n Network) string { return n.Phone24h }},
}

// Diff lists what changes from a to b, networks first.
func Diff(a, b Data) []Change {
	var out []Change
	for _, n := range b.Networks {
		i := slices.IndexFunc(a.Networks, func(m Network) bool { return m.ID == n.ID })
		switch {
		case i < 0:
			out = append(out, Change{Kind: "added", Network: n.ID, Subject: n.ID, Name: n.Name})
		case a.Networks[i] != n:
			var fields []string
			for _, f := range networkFields {
				if f.get(a.Networks[i]) != f.get(n) {
					fields = append(fields, f.name)
				}
			}
			if len(fields) == 0 {
				fields = []string{"network"}
			}
			out = append(out, Change{Kind: "changed", Network: n.ID, Subject: n.ID, Name: n.Name, Fields: fields})
		}
	}
	for _, n := range a.Networks {
		if !slices.ContainsFunc(b.Networks, func(m Network) bool { return m.ID == n.ID }) {
			out = append(out, Change{Kind: "removed", Network: n.ID, Subject: n.ID, Name: n.Name})
		}
	}
	for _, c := range b.Centres {
		i := slices.IndexFunc(a.Centres, func(o Centre) bool { return o.ID == c.ID })
		if i < 0 {
			out = append(out, Change{Kind: "added", Network: c.Network, Subject: c.ID, Name: c.Name})
			continue
		}
		var fields []string
		for _, f := range Fields {
			if !reflect.DeepEqual(normalizeEmpty(f.value(&a.Centres[i])), normalizeEmpty(f.value(&c))) {
				fields = append(fields, f.Name)
			}
		}
		if len(fields) > 0 {
			out = append(out, Change{Kind: "changed", Network: c.Network, Subject: c.ID, Name: c.Name, Fields: fields})
		}
	}
	for _, c := range a.Centres {
		if !slices.ContainsFunc(b.Centres, func(o Centre) bool { return o.ID == c.ID }) {
			out = append(out, Change{Kind: "removed", Network: c.Network, Subject: c.ID, Name: c.Name})
		}
	}
	if a.Sample != b.Sample {
		out = append(out, Change{Kind: "changed", Subject: "sample", Name: "sample", Fields: []string{fmt.Sprint(b.Sample)}})
	}
	return out
}

// normalizeEmpty treats a nil and an empty slice alike: the file format
// does not tell them apart.
func normalizeEmpty(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return nil
	}
	return v
}
