package flows_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/store/memstore"
)

// offered are the languages of the catalogue, in its order.
var offered = []string{"it", "en", "ar", "es", "fa", "fr", "pl", "pt", "ro", "ru", "sq", "uk", "zh"}

func TestPickLang(t *testing.T) {
	for tag, want := range map[string]string{
		"it": "it", "en": "en", "en-GB": "en", "pt-BR": "pt", "pt-br": "pt", "zh-Hans": "zh", "zh-CN": "zh",
		"zh_TW": "zh", "ar-EG": "ar", "fa-IR": "fa", "UK": "uk", "ru": "ru", "sq-XK": "sq", "ro-MD": "ro",
		"de": "it", "": "it", "x": "it", "-": "it",
	} {
		if got := flows.PickLang(tag, offered); got != want {
			t.Errorf("PickLang(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestLanguageName(t *testing.T) {
	for code, want := range map[string]string{
		"uk": "Українська", "zh": "中文", "fa": "فارسی",
		"hi": "हिन्दी", // not in Languages: from x/text's CLDR names
		"xx": "xx", "": "",
	} {
		if got := directory.LanguageName(code); got != want {
			t.Errorf("LanguageName(%q) = %q, want %q", code, got, want)
		}
	}
}

// TestEnglishOneTapAway: a client whose language is not offered gets the
// Italian welcome with English as the first button; one whose language is
// offered does not.
func TestEnglishOneTapAway(t *testing.T) {
	dir := sampleDir(t)
	at := time.Date(2027, time.March, 16, 10, 30, 0, 0, directory.Rome)
	for _, tc := range []struct {
		client, lang string
		english      bool
	}{{"de", "it", true}, {"", "it", true}, {"it", "it", false}, {"uk-UA", "uk", false}, {"en", "en", false}} {
		svc := flows.NewService(memstore.New(), dir, flows.Options{Langs: offered, Now: func() time.Time { return at }})
		res := handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start", Lang: tc.client})
		if res.Lang != tc.lang {
			t.Errorf("client %q: replies in %q, want %q", tc.client, res.Lang, tc.lang)
		}
		first := res.Replies[0].Buttons[0][0]
		if got := first.Data == "lang:en"; got != tc.english {
			t.Errorf("client %q: first button %+v, want English: %v", tc.client, first, tc.english)
		}
		if tc.english {
			if res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: first.Data, Lang: tc.client}); res.Lang != "en" || !hasText(res, "lang.set") {
				t.Errorf("client %q: the English button gave %+v", tc.client, res)
			}
		}
	}
}

// TestLanguagePicker: every language once, each in its own name, the
// fallback and English on the first row, then rows of at most three.
func TestLanguagePicker(t *testing.T) {
	dir := sampleDir(t)
	svc := flows.NewService(memstore.New(), dir, flows.Options{Langs: offered})
	res := handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "lang", Lang: "it"})
	rows := res.Replies[0].Buttons
	var sizes []int
	var codes []string
	for _, row := range rows[:len(rows)-1] { // the last row is the navigation
		sizes = append(sizes, len(row))
		for _, b := range row {
			code := b.Data[len("lang:"):]
			codes = append(codes, code)
			if b.Label.ID != flows.RawID || b.Label.Data["Text"] != directory.LanguageName(code) {
				t.Errorf("%s: label %+v, want its own name", code, b.Label)
			}
		}
	}
	if got, want := fmt.Sprint(sizes), "[2 3 3 3 2]"; got != want {
		t.Errorf("rows of %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(codes), fmt.Sprint(offered); got != want {
		t.Errorf("languages %s, want %s", got, want)
	}
	if res := handle(t, svc, flows.Input{Kind: flows.KindText, Text: "Українська", Lang: "it"}); res.Lang != "uk" {
		t.Errorf("typing the name: replies in %q, want uk", res.Lang)
	}
}

// FuzzPickLang: whatever language_code a client sends, the choice is one of
// the offered languages.
func FuzzPickLang(f *testing.F) {
	for _, seed := range []string{"", "it", "pt-BR", "zh-Hans-CN", "zh_TW", "UK", "-", "_x", "ar-\u0000", "\u2068fa"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		if got := flows.PickLang(tag, offered); !slices.Contains(offered, got) {
			t.Errorf("PickLang(%q) = %q, not offered", tag, got)
		}
	})
}
