//go:build ignore

// gen.go writes comuni.tsv, the compact gazetteer this package embeds, from
// the shared comuni.csv (see its README for sources and licences):
//
//	go run gen.go ../../../shared/data/comuni.csv
//
// (the path of the shared data seen from this folder of a checkout). Only
// what the lookup uses is kept: name, other-language name, province,
// coordinates, postcodes, population (to rank homonyms) and the ISTAT code
// (a short, stable handle for buttons), one comune a line, tab-separated,
// in ISTAT order.
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: go run gen.go PATH/comuni.csv")
	}
	in, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	r := csv.NewReader(in)
	head, err := r.Read()
	if err != nil {
		log.Fatal(err)
	}
	want := []string{"istat", "name", "alt_name", "province", "region", "lat", "lon", "cap", "population"}
	if !slices.Equal(head, want) {
		log.Fatalf("header %v, want %v", head, want)
	}
	out, err := os.Create("comuni.tsv")
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(out)
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		for _, f := range rec {
			if strings.ContainsAny(f, "\t\n") {
				log.Fatalf("record %v: a tab or newline in a field", rec)
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", rec[1], rec[2], rec[3], rec[5], rec[6], rec[7], rec[8], rec[0])
		n++
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("comuni.tsv: %d comuni", n)
}
