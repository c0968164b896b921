package locales_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"frontdoor/locales"
)

// ids returns the message ids of a language's file.
func ids(t *testing.T, lang string) []string {
	t.Helper()
	raw, err := locales.File(lang)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := toml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s.toml: %v", lang, err)
	}
	return slices.Sorted(maps.Keys(m))
}

// TestComplete fails the build when a message file lacks a message of the
// source language or has one the source does not: a missing text would
// otherwise silently fall back to Italian in front of her.
func TestComplete(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	want := ids(t, locales.Source)
	if len(want) == 0 {
		t.Fatal("the source file has no messages")
	}
	for _, lang := range c.Langs() {
		got := ids(t, lang)
		for _, id := range want {
			if !slices.Contains(got, id) {
				t.Errorf("%s.toml lacks %q", lang, id)
			}
		}
		for _, id := range got {
			if !slices.Contains(want, id) {
				t.Errorf("%s.toml has %q, which %s.toml lacks", lang, id, locales.Source)
			}
		}
		for _, id := range want {
			if text, ok := c.Text(lang, id, nil, nil); !ok || strings.TrimSpace(text) == "" {
				t.Errorf("%s: %q does not render on its own", lang, id)
			}
		}
	}
}

func TestLangs(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	langs := c.Langs()
	if len(langs) < 2 || langs[0] != "it" || !slices.Contains(langs, "en") {
		t.Fatalf("Langs() = %v, want it first and en among them", langs)
	}
}

func TestFallback(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	if text, ok := c.Text("xx", "button.exit", nil, nil); text != "✖ Esci" || !ok {
		t.Errorf("unknown language: got %q %v, want the Italian text", text, ok)
	}
	if text, ok := c.Text("en", "no.such.id", nil, nil); ok || text != "no.such.id" {
		t.Errorf("missing id: got %q %v", text, ok)
	}
	if text, _ := c.Text("en", "list.town", map[string]any{"Town": "Crema"}, nil); text != "Centres for <b>Crema</b>:" {
		t.Errorf("template: got %q", text)
	}
}
