// Package directory is the directory model of frontdoor, which knows
// nothing of the dialogues: networks and centres, the one table of a
// centre's fields (Fields, named as in the directory file), opening hours
// and closures with their parsers, Italian public holidays, open-now,
// search and the nearest centres, validation (its problems say Messages,
// which the dialogues turn into text), the diff of two directories, and
// the gazetteer of every Italian comune, so that a woman anywhere in Italy
// who types her town, a short or everyday name of it, or her postcode
// finds the nearest centres. The package flows uses it, never the
// reverse (.ci/run checks it).
//
// The gazetteer (comuni.tsv, made by gen.go) comes from ISTAT's list of
// comuni of January 2025 (CC BY 4.0), with coordinates and postcodes from
// Wikidata (CC0) via Comuni-ITA by Nicolò Rebaioli (MIT licence) and from
// GeoNames (CC BY); see the project README for the attribution and the
// licence notice. Postcodes are not authoritative and a comune is one point:
// good enough to recognise a CAP and rank centres by distance, not for mail
// or routing.
package directory
