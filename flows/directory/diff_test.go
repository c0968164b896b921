package directory_test

import (
	"slices"
	"testing"

	"frontdoor/flows/directory"
)

// TestDiffSeesEveryField: an import that changes any one field of a
// centre says which, by the file's name of it. Before the fields had one
// table, a file that changed only a short name was "the same as the
// current data" and could not be imported through the bot.
func TestDiffSeesEveryField(t *testing.T) {
	change := map[string]func(c *directory.Centre){
		"network":          func(c *directory.Centre) { c.Network = "other" },
		"name":             func(c *directory.Centre) { c.Name += " 2" },
		"short_name":       func(c *directory.Centre) { c.ShortName = "Corto" },
		"town":             func(c *directory.Centre) { c.Town = "Crema" },
		"address":          func(c *directory.Centre) { c.AddressConfidential = true },
		"lat":              func(c *directory.Centre) { c.Lon += 0.01 },
		"phones":           func(c *directory.Centre) { c.Phones = []string{"+390372000000"} },
		"towns":            func(c *directory.Centre) { c.Towns = append(c.Towns, "Crema") },
		"languages":        func(c *directory.Centre) { c.Languages = []string{"en"} },
		"services":         func(c *directory.Centre) { c.Services = []string{"legal"} },
		"open_on_holidays": func(c *directory.Centre) { c.OpenOnHolidays = true },
		"draft":            func(c *directory.Centre) { c.Draft = true },
		"hours":            func(c *directory.Centre) { c.Hours[1] = []directory.Slot{{Open: 540, Close: 780}} },
		"closure": func(c *directory.Centre) {
			c.Closures = []directory.Closure{{From: directory.Date{Year: 2027, Month: 1, Day: 2}, To: directory.Date{Year: 2027, Month: 1, Day: 3}}}
		},
	}
	base := directory.Data{Centres: []directory.Centre{{ID: "c", Network: "n", Name: "Centro", Town: "Cremona", Lat: 45.1, Lon: 10}}}
	for _, f := range directory.Fields {
		mutate, ok := change[f.Name]
		if !ok {
			t.Errorf("no change of %q to try", f.Name)
			continue
		}
		next := directory.Data{Centres: []directory.Centre{base.Centres[0]}}
		mutate(&next.Centres[0])
		got := directory.Diff(base, next)
		if len(got) != 1 || !slices.Equal(got[0].Fields, []string{f.Name}) {
			t.Errorf("changing %s: %v", f.Name, got)
		}
	}
}
