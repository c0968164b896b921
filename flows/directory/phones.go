package directory

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// ParsePhones reads phone numbers as volunteers type them ("0372 123456,
// +39 333 1234567") into international form. Italian numbers may be typed
// without +39.
func ParsePhones(s string) ([]string, error) {
	var out []string
	for _, f := range SplitList(s) {
		n := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '.' || r == '-' || r == '/' || r == '(' || r == ')' {
				return -1
			}
			return r
		}, f)
		if strings.HasPrefix(n, "00") {
			n = "+" + n[2:]
		}
		if !strings.HasPrefix(n, "+") && (strings.HasPrefix(n, "0") || strings.HasPrefix(n, "3")) {
			n = "+39" + n
		}
		if !phonePattern.MatchString(n) { // the form validate wants
			return nil, NewInputError(f, "parse.bad_phone")
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, NewInputError(s, "parse.bad_phone")
	}
	return out, nil
}

// PhoneText writes a centre's number as people read it, grouped as in
// the national grouping but with the country code ("+39 0373 123456",
// "+39 333 123 4567"): Telegram makes a number tappable only in that
// form. A number the library does not know (the sample's +39 000…) stays
// as stored.
func PhoneText(p string) string {
	n, err := phonenumbers.Parse(p, "IT")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return p
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// PhonesText writes numbers for a card, separated by a middle dot.
func PhonesText(phones []string) string {
	out := make([]string, len(phones))
	for i, p := range phones {
		out[i] = PhoneText(p)
	}
	return strings.Join(out, " · ")
}
