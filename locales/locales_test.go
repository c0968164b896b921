package locales_test

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"frontdoor/locales"
)

var todo = flag.Bool("todo", false, "TestComplete prints, for every file, the messages it lacks as TOML ready to translate")

// load parses a language's file into its messages.
func load(t *testing.T, lang string) map[string]locales.Message {
	t.Helper()
	msgs, err := locales.Messages(lang)
	if err != nil {
		t.Fatal(err)
	}
	return index(msgs)
}

// TestComplete fails the build when a message file lacks a message of the
// source language or has one the source does not: a missing text would
// otherwise silently fall back to Italian in front of her. It names the
// missing ids per file; after a merge that brought new messages,
//
//	go test ./locales -run TestComplete -v           lists what each file lacks
//	go test ./locales -run TestComplete -v -todo     prints it as TOML to fill in
//	go test ./locales -run TestComplete -stamp       once translated, stamps them
//
// It also fails for a translation whose Italian changed since it was made,
// and prints those with -todo (see checkStamps).
func TestComplete(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	src := load(t, locales.Source)
	if len(src) == 0 {
		t.Fatal("the source file has no messages")
	}
	en := load(t, "en")
	for _, lang := range c.Langs() {
		got := load(t, lang)
		var missing, extra []string
		for _, id := range slices.Sorted(maps.Keys(src)) {
			if _, ok := got[id]; !ok {
				missing = append(missing, id)
			}
		}
		for _, id := range slices.Sorted(maps.Keys(got)) {
			if _, ok := src[id]; !ok {
				extra = append(extra, id)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s.toml lacks %d of the %d messages of %s.toml (translate them; -todo prints them as TOML):\n\t%s",
				lang, len(missing), len(src), locales.Source, strings.Join(missing, "\n\t"))
			if *todo {
				t.Logf("to add to %s.toml:\n%s", lang, stubs(lang, missing, src, en))
			}
		}
		if len(extra) > 0 {
			t.Errorf("%s.toml has %d messages that %s.toml lacks (renamed or removed there?):\n\t%s",
				lang, len(extra), locales.Source, strings.Join(extra, "\n\t"))
		}
		if len(missing) == 0 && len(extra) == 0 {
			t.Logf("%s.toml: complete, %d messages", lang, len(got))
		}
		for id := range src {
			if text, ok := c.Text(lang, id, nil, nil); !ok || strings.TrimSpace(text) == "" {
				if _, present := got[id]; present {
					t.Errorf("%s: %q does not render on its own", lang, id)
				}
			}
		}
	}
	checkStamps(t, c.Langs())
}

// stubs writes missing messages as TOML, each with the Italian and English
// texts as comments and every plural form the language needs.
func stubs(lang string, ids []string, src, en map[string]locales.Message) string {
	var b strings.Builder
	for _, id := range ids {
		for _, ref := range []struct {
			lang string
			msgs map[string]locales.Message
		}{{locales.Source, src}, {"en", en}} {
			if m, ok := ref.msgs[id]; ok {
				fmt.Fprintf(&b, "# %s: %s\n", ref.lang, describe(m))
			}
		}
		if !src[id].Plural {
			fmt.Fprintf(&b, "%q = \"\"\n", id)
			continue
		}
		forms, _ := locales.PluralExamples(lang)
		parts := make([]string, len(forms))
		for i, f := range forms {
			parts[i] = f + ` = ""`
		}
		fmt.Fprintf(&b, "%q = { %s }\n", id, strings.Join(parts, ", "))
	}
	return b.String()
}

func TestLangs(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"it", "en", "ar", "es", "fa", "fr", "pl", "pt", "ro", "ru", "sq", "uk", "zh"}
	if got := c.Langs(); !slices.Equal(got, want) {
		t.Fatalf("Langs() = %v, want %v (Italian, English, then by code)", got, want)
	}
}

func TestRightToLeft(t *testing.T) {
	for lang, want := range map[string]bool{"ar": true, "fa": true, "he": true, "ur": true, "it": false, "en": false, "zh": false, "uk": false, "sq": false} {
		if got := locales.RightToLeft(lang); got != want {
			t.Errorf("RightToLeft(%q) = %v, want %v", lang, got, want)
		}
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

// describe shows a message's text, or its forms in CLDR order.
func describe(m locales.Message) string {
	if !m.Plural {
		return m.Forms["other"]
	}
	var parts []string
	for _, f := range locales.PluralForms {
		if text, ok := m.Forms[f]; ok {
			parts = append(parts, f+": "+text)
		}
	}
	return strings.Join(parts, " | ")
}
