package dirfile

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"frontdoor/flows/directory"
)

func TestSample(t *testing.T) {
	d := Sample()
	if !d.Sample {
		t.Error("the sample directory is not marked sample = true")
	}
	if len(d.Networks) != 2 || d.Networks[0].ID != "arca" || d.Networks[1].ID != "amaranta" {
		t.Errorf("networks %+v, want arca and amaranta", d.Networks)
	}
	if len(d.Centres) != 5 {
		t.Errorf("%d centres, want 5", len(d.Centres))
	}
	dir, err := directory.New(d)
	if err != nil {
		t.Fatal(err)
	}
	if !dir.Sample() {
		t.Error("the directory built from the sample does not say it is a sample")
	}
	for _, n := range d.Networks {
		if n.Phone24h != "" && !strings.HasPrefix(n.Phone24h, "+39000") {
			t.Errorf("network %s: phone_24h %s is not in the fictitious +39 000 range", n.ID, n.Phone24h)
		}
	}
	perNetwork := map[string]int{}
	confidential, closures := 0, 0
	for _, c := range d.Centres {
		perNetwork[c.Network]++
		if c.AddressConfidential {
			confidential++
		}
		closures += len(c.Closures)
		// The phones must never reach a real person: no Italian number
		// starts with 000.
		for _, p := range c.Phones {
			if !strings.HasPrefix(p, "+39000") {
				t.Errorf("centre %s: phone %s is not in the fictitious +39 000 range", c.ID, p)
			}
		}
		if len(c.Phones) == 0 || len(c.Towns) == 0 || len(c.Languages) == 0 || len(c.Services) == 0 {
			t.Errorf("centre %s lacks phones, towns, languages or services", c.ID)
		}
		// Coordinates in Lombardy, roughly.
		if c.Lat < 44.6 || c.Lat > 46.7 || c.Lon < 8.4 || c.Lon > 11.5 {
			t.Errorf("centre %s at %v,%v is not in Lombardy", c.ID, c.Lat, c.Lon)
		}
	}
	if perNetwork["arca"] != 3 || perNetwork["amaranta"] != 2 {
		t.Errorf("centres per network %v, want arca 3 and amaranta 2", perNetwork)
	}
	if confidential != 1 {
		t.Errorf("%d centres with a confidential address, want 1", confidential)
	}
	if closures != 1 {
		t.Errorf("%d closures, want 1", closures)
	}
}

// The two Amaranta centres are meant to complement each other: never open
// at the same time, and together open more than either alone.
func TestSampleAmarantaComplementary(t *testing.T) {
	d := Sample()
	var cs []directory.Centre
	for _, c := range d.Centres {
		if c.Network == "amaranta" {
			cs = append(cs, c)
		}
	}
	if len(cs) != 2 {
		t.Fatalf("%d Amaranta centres", len(cs))
	}
	for wd := range 7 {
		for _, a := range cs[0].Hours[wd] {
			for _, b := range cs[1].Hours[wd] {
				if a.Open < b.Close && b.Open < a.Close {
					t.Errorf("weekday %d: %v and %v overlap", wd, a, b)
				}
			}
		}
	}
}

func TestSampleIsFresh(t *testing.T) {
	a := Sample()
	a.Centres[0].Phones[0] = "changed"
	if b := Sample(); reflect.DeepEqual(a, b) {
		t.Error("Sample returns shared data")
	}
}

func TestSampleFileHeader(t *testing.T) {
	f := SampleFile()
	for _, want := range []string{"SAMPLE DATA", "INVENTED", "UNREACHABLE", "frontdoor directory import", "+39 000"} {
		if !bytes.Contains(f, []byte(want)) {
			t.Errorf("the sample file does not say %q", want)
		}
	}
}
