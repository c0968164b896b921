// Package directory is the directory model of frontdoor that knows nothing
// of the dialogues. For now it holds the gazetteer of every Italian comune,
// so that a woman anywhere in Italy who types her town, a short or everyday
// name of it, or her postcode finds the nearest centres.
//
// The gazetteer (comuni.tsv, made by gen.go) comes from ISTAT's list of
// comuni of January 2025 (CC BY 4.0), with coordinates and postcodes from
// Wikidata (CC0) via Comuni-ITA by Nicolò Rebaioli (MIT licence) and from
// GeoNames (CC BY); see the project README for the attribution and the
// licence notice. Postcodes are not authoritative and a comune is one point:
// good enough to recognise a CAP and rank centres by distance, not for mail
// or routing.
package directory
