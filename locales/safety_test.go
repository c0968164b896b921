package locales_test

import (
	"slices"
	"strings"
	"testing"

	"frontdoor/locales"
)

// alarming are, per language, stems of words that must not stand on the
// first line of a message (lock screens and the chat list show it to
// whoever holds the phone): violence, abuse, emergency, help, police,
// reporting. Every language of the catalogue must have a list here.
var alarming = map[string][]string{
	"it": {"violen", "abus", "maltratt", "stalk", "emergen", "urgen", "aiut", "polizi", "denunc", "soccors"},
	"en": {"violen", "abus", "stalk", "emergen", "urgent", "help", "police", "report", "rescue"},
	"fr": {"violen", "abus", "maltrait", "urgen", "aide", "police", "secours", "plainte"},
	"es": {"violen", "abus", "maltrat", "emergen", "urgen", "ayuda", "policía", "denunc", "socorro"},
	"pt": {"violên", "abus", "maus-tratos", "emergên", "urgên", "ajuda", "polícia", "denúnc", "socorro"},
	"ro": {"violen", "abuz", "agresi", "urgen", "ajutor", "poliți", "plângere", "salvare"},
	"sq": {"dhun", "abuz", "urgjen", "ndihm", "polic", "kallëzim", "shpëtim"},
	"ru": {"насили", "жесток", "избиен", "экстрен", "срочн", "помощ", "помог", "полици", "заявлен", "спасен"},
	"uk": {"насильств", "жорсток", "екстрен", "термінов", "допомог", "поліці", "заяв", "рятув"},
	"pl": {"przemoc", "nadużyc", "znęca", "alarm", "nagł", "pomoc", "policj", "zgłosz", "ratun"},
	"ar": {"عنف", "إساءة", "اعتداء", "طوارئ", "طارئ", "مساعدة", "نجدة", "شرطة", "بلاغ"},
	"fa": {"خشونت", "آزار", "اضطرار", "اورژانس", "کمک", "پلیس", "شکایت", "نجات"},
	"zh": {"暴力", "虐待", "家暴", "紧急", "急救", "帮助", "求助", "救命", "警察", "报警"},
}

// neverFirst are messages that never open a message: lines below a title
// (the national numbers, what 1522 offers), values inside other lines
// (services, statuses) and the command menu's descriptions are checked by
// eye, not here.
func neverFirst(id string) bool {
	return strings.HasPrefix(id, "emergency.") && id != "emergency.title" ||
		strings.HasPrefix(id, "service.") ||
		strings.HasPrefix(id, "status.")
}

// TestNeutralFirstLines: no message that can open a message has a word of
// the alarming list of its language, nor a national number, in any file.
func TestNeutralFirstLines(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Langs() {
		words, ok := alarming[lang]
		if !ok {
			t.Errorf("%s: no list of alarming words: add one to safety_test.go", lang)
			continue
		}
		words = append(slices.Clone(words), "112", "1522", "114")
		for id, m := range load(t, lang) {
			if neverFirst(id) {
				continue
			}
			for form, text := range m.forms {
				low := strings.ToLower(text)
				for _, w := range words {
					if strings.Contains(low, w) {
						t.Errorf("%s.toml: %s (%s) contains %q: %q", lang, id, form, w, text)
					}
				}
			}
		}
	}
}
