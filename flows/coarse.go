package flows

import (
	"math"

	"frontdoor/flows/directory"
)

// ConfidentialValue stands in the audit trail for the address and the
// position of a centre whose address is confidential: the trail keeps
// neither.
const ConfidentialValue = "(confidential)"

// coarsePlace is where the directory puts a centre whose address is
// confidential: the comune of its town, or the one nearest its coordinates
// when the town is not a comune (directory.Gazetteer.Locate); nil for any
// other centre. Its own coordinates would locate it: a distance, or the
// order of a list, from a few made-up shared locations narrows a shelter
// down to metres, while its town is on its card anyway.
func coarsePlace(c *Centre) *directory.Place {
	if !c.AddressConfidential {
		return nil
	}
	lat := c.Lat
	if c.Lat == 0 && c.Lon == 0 {
		lat = math.NaN() // no position yet: only the town can tell
	}
	return directory.Italy().Locate(c.Town, lat, c.Lon)
}

// keepCoarse puts c at its coarsePlace and reports whether its position
// changed.
func keepCoarse(c *Centre) bool {
	p := coarsePlace(c)
	if p == nil || p.Lat == c.Lat && p.Lon == c.Lon {
		return false
	}
	c.Lat, c.Lon = p.Lat, p.Lon
	return true
}

// KeepCoarse keeps of every centre of d whose address is confidential only
// the position of its comune, and returns the names (Label) of those it
// moved, to tell the volunteer. NewDirectory, the stores and the imports
// apply it, so that no directory in use, stored or exported holds such a
// centre's own coordinates.
func KeepCoarse(d *DirectoryData) []string {
	var moved []string
	for i := range d.Centres {
		if keepCoarse(&d.Centres[i]) {
			moved = append(moved, d.Centres[i].Label())
		}
	}
	return moved
}

// coarseNote tells a volunteer that the exact position of a centre whose
// address is confidential is not kept, and which comune stands for it.
func coarseNote(c *Centre) (Text, bool) {
	p := coarsePlace(c)
	if p == nil {
		return Text{}, false
	}
	return T("staff.coarse_position", "Town", p.Label()), true
}
