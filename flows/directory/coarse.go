package directory

import "math"

// ConfidentialValue stands in the audit trail for the address and the
// position of a centre whose address is confidential: the trail keeps
// neither.
const ConfidentialValue = "(confidential)"

// CoarsePlace is where the directory puts a centre whose address is
// confidential: the comune of its town, or the one nearest its coordinates
// when the town is not a comune (Gazetteer.Locate); nil for any
// other centre. Its own coordinates would locate it: a distance, or the
// order of a list, from a few made-up shared locations narrows a shelter
// down to metres, while its town is on its card anyway.
func CoarsePlace(c *Centre) *Place {
	if !c.AddressConfidential {
		return nil
	}
	lat := c.Lat
	if c.Lat == 0 && c.Lon == 0 {
		lat = math.NaN() // no position yet: only the town can tell
	}
	return Italy().Locate(c.Town, lat, c.Lon)
}

// Coarsen puts c at its CoarsePlace and reports whether its position
// changed.
func Coarsen(c *Centre) bool {
	p := CoarsePlace(c)
	if p == nil || p.Lat == c.Lat && p.Lon == c.Lon {
		return false
	}
	c.Lat, c.Lon = p.Lat, p.Lon
	return true
}

// KeepCoarse keeps of every centre of d whose address is confidential only
// the position of its comune, and returns the names (Label) of those it
// moved, to tell the volunteer. New, the stores and the imports
// apply it, so that no directory in use, stored or exported holds such a
// centre's own coordinates.
func KeepCoarse(d *Data) []string {
	var moved []string
	for i := range d.Centres {
		if Coarsen(&d.Centres[i]) {
			moved = append(moved, d.Centres[i].Label())
		}
	}
	return moved
}
