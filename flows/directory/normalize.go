package directory

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize is the form in which names are compared, so that what she types
// on a phone keyboard finds the town however it is spelled: lower case,
// accents removed ("Città" = "citta", "ł" = "l"), apostrophes, hyphens, dots and any
// other punctuation or symbol turned into single spaces ("Sant'Angelo" =
// "sant angelo"), surrounding space trimmed. The result is valid UTF-8 and
// Normalize of it is itself.
func Normalize(s string) string {
	if isNormalASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	// Lower case before and after the compatibility decomposition: some
	// decompositions produce capitals (ℌ -> H), some capitals decompose.
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.M, r):
			// accents and other combining marks: dropped, not separators
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(fold(unicode.ToLower(r)))
		default:
			space = true
		}
	}
	return b.String()
}

// fold maps the Latin letters that no decomposition takes to their base
// letter, as people type them on a keyboard without them ("pobił" =
// "pobil").
func fold(r rune) rune {
	switch r {
	case 'ł':
		return 'l'
	case 'đ':
		return 'd'
	case 'ø':
		return 'o'
	case 'ı':
		return 'i'
	case 'ħ':
		return 'h'
	}
	return r
}

// isNormalASCII reports whether s is already normalized ASCII (lower-case
// letters and digits in words separated by single spaces), the usual case
// of a key built by Normalize, which then need not be built again.
func isNormalASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == ' ' && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// TypoDistance is the optimal string alignment distance between a and b in
// runes (insertions, deletions, substitutions and swaps of two neighbours,
// the usual typos on a phone), or limit+1 when it is more than limit.
func TypoDistance(a, b string, limit int) int {
	if d := utf8.RuneCountInString(a) - utf8.RuneCountInString(b); d > limit || -d > limit {
		return limit + 1
	}
	ra, rb := []rune(a), []rune(b)
	// Three rows of the dynamic programme: two back (for swaps), one back, now.
	rows := make([]int, 3*(len(rb)+1))
	prev2, prev, cur := rows[:len(rb)+1], rows[len(rb)+1:2*(len(rb)+1)], rows[2*(len(rb)+1):]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit+1)
}
