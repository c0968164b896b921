package bot

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
)

// Directional isolates (Unicode 6.3). Between an initiator and PDI a run
// of text takes its own direction and leaves the text around it alone.
const (
	lri = "\u2066" // left-to-right isolate
	rli = "\u2067" // right-to-left isolate
	fsi = "\u2068" // first strong isolate: the direction of its first letter
	pdi = "\u2069" // pop directional isolate
)

// bidiControls drops the directional embeddings, overrides and isolates
// from a value (her words, a name from the directory) before it is
// isolated: a stray PDI would end the isolate early and let the value
// reorder the line around it.
var bidiControls = strings.NewReplacer(
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	lri, "", rli, "", fsi, "", pdi, "")

// isolateLatin wraps every left-to-right run written inside a
// right-to-left translation in LRI … PDI: a URL, a /command, a number with
// punctuation ("18–21", "&lt;5"), a Latin word; not a bare number. Without
// it the Unicode bidirectional algorithm reorders them in Arabic or Farsi
// text: "1522.eu" shows as "eu.1522", "/start" as "start/", a range of
// hours backwards, and a line that begins with "/forget" turns left to
// right. Values the renderer already isolated stay as they are, unless the
// translation joins them into a longer run ("⟦18:00⟧–⟦21:00⟧"); in HTML,
// tags stay outside. Telegram still finds the command and the URL: its
// entity parser takes an isolate mark, which is neither a letter nor a
// digit, for a word boundary.
func isolateLatin(s string, html bool) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if rtlLetter(r) || r == ' ' || r == ',' || r == '.' {
			// Her language's words and what stands between them: no
			// run starts here.
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		if html && s[i] == '<' {
			// A tag: copied whole.
			if end := strings.IndexByte(s[i:], '>'); end >= 0 {
				n = end + 1
			}
		} else if end := ltrRunEnd(s, i, html); end > i && end != isolateEnd(s, i) && !digitsOnly(s[i:end]) {
			b.WriteString(lri)
			b.WriteString(s[i:end])
			b.WriteString(pdi)
			i = end
			continue
		} else if e := isolateEnd(s, i); e > i {
			n = e - i
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// ltrRunEnd returns where the left-to-right run that starts at i ends, or
// i when none starts there. A run starts with a left-to-right letter, a
// digit or an isolate that begins with one, or with "/", "+", "#", "@" or
// "<" just before one; it goes on over those, and over spaces and
// punctuation that stand between two of them ("1522.eu", "3xx xxx xxxx",
// "lun-ven 9-13"), so that trailing punctuation stays with the sentence
// around it. Brackets end a run: a pair split by an isolate would not
// mirror.
func ltrRunEnd(s string, i int, html bool) int {
	start := i
	if k := prefixLen(s[i:], html); k > 0 && ltrAt(s, i+k) > i+k {
		i += k
	}
	end := i
	for i < len(s) {
		if next := ltrAt(s, i); next > i {
			i, end = next, next
			continue
		}
		k := joinerLen(s[i:], html)
		if k == 0 || end == start {
			break
		}
		i += k
	}
	return end
}

// ltrAt returns the end of the left-to-right letter or digit at i, or of
// the isolate at i when its text begins with one; otherwise i.
func ltrAt(s string, i int) int {
	if strongAt(s, i) {
		_, n := utf8.DecodeRuneInString(s[i:])
		return i + n
	}
	if e := isolateEnd(s, i); e > i && strongAt(s, i+len(lri)) {
		return e
	}
	return i
}

// isolateEnd returns the end of the isolate that opens at i (after its
// PDI, or the end of s when it has none), or i when none opens there.
func isolateEnd(s string, i int) int {
	if m := markAt(s, i); m != lri[2] && m != rli[2] && m != fsi[2] {
		return i
	}
	depth := 0
	for j := i; j < len(s); j++ {
		switch markAt(s, j) {
		case lri[2], rli[2], fsi[2]:
			depth++
		case pdi[2]:
			if depth--; depth == 0 {
				return j + len(pdi)
			}
		}
	}
	return len(s)
}

// markAt returns the last byte of the isolate mark at i (all four are
// E2 81 A6…A9 in UTF-8), or 0.
func markAt(s string, i int) byte {
	if i+2 < len(s) && s[i] == 0xE2 && s[i+1] == 0x81 && s[i+2] >= 0xA6 && s[i+2] <= 0xA9 {
		return s[i+2]
	}
	return 0
}

// rtlLetter tells whether r is in the blocks of Hebrew, Arabic, Syriac,
// Thaana and their supplements: the text around the runs, known without a
// look-up.
func rtlLetter(r rune) bool { return r >= 0x0590 && r <= 0x08FF }

// digitsOnly tells whether s is a bare number, which nothing can reorder:
// "24" in "24 ساعة" needs no isolate.
func digitsOnly(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// strongAt tells whether a left-to-right letter or an ASCII digit is at i.
func strongAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	if r, _ := utf8.DecodeRuneInString(s[i:]); rtlLetter(r) {
		return false
	}
	p, _ := bidi.LookupString(s[i:])
	return p.Class() == bidi.L
}

// prefixLen is the length of a sign that can open a run at the start of s
// ("/start", "+39…", "&lt;5"), or 0.
func prefixLen(s string, html bool) int {
	if s == "" {
		return 0
	}
	switch s[0] {
	case '/', '+', '#', '@':
		return 1
	case '<':
		if !html {
			return 1
		}
	case '&':
		if html && strings.HasPrefix(s, "&lt;") {
			return len("&lt;")
		}
	}
	return 0
}

// joinerLen is the length of the space or punctuation at the start of s
// that may stand inside a run, or 0. In HTML a tag or a line break ends
// the run, and an escaped character counts as one.
func joinerLen(s string, html bool) int {
	if html && s[0] == '&' {
		for _, e := range []string{"&lt;", "&gt;", "&amp;", "&quot;", "&#39;"} {
			if strings.HasPrefix(s, e) {
				return len(e)
			}
		}
		return 0
	}
	switch s[0] {
	case ' ', '.', ',', ':', ';', '/', '-', '_', '+', '#', '@', '%', '=', '?', '\'':
		return 1
	case '<', '>':
		if !html {
			return 1
		}
		return 0
	}
	for _, j := range []string{"–", "’", "·"} {
		if strings.HasPrefix(s, j) {
			return len(j)
		}
	}
	return 0
}
