package flows

import (
	"slices"
	"strings"

	"frontdoor/flows/directory"
)

// Words she may type to answer a question of the callback request, in
// the form directory.Normalize gives them (lower case, no accents). Yes and no
// are read in every language of the bot; the other answers in Italian and
// English, like typed times.
var (
	yesWords = []string{
		"si", "s", "sisi", "ok", "okay", "okey", "va bene", "certo", "esatto", "giusto", "confermo", "conferma", "perfetto", "d accordo", "vabene",
		"yes", "y", "yeah", "yep", "sure", "correct", "right", "fine", "confirm",
		"oui", "da", "tak", "sim", "po", "ja", "так", "да", "نعم", "اي", "بله", "آره", "是", "好", "对", "是的", "好的",
	}
	noWords = []string{
		"no", "n", "nope", "non", "no grazie", "sbagliato", "non va bene", "nah", "wrong", "not", "no thanks",
		"nu", "nie", "nao", "jo", "nein", "нет", "ні", "لا", "نه", "不", "不是", "不对",
	}
	msgWords = map[string][]string{
		"none": {"nessuno", "nessun messaggio", "niente", "nulla", "no", "none", "nothing", "no message", "no messages"},
		"vm":   {"segreteria", "messaggio in segreteria", "voicemail", "voice mail", "segreteria telefonica"},
		"sms":  {"sms", "text", "text message", "un sms"},
		"both": {"entrambi", "tutti e due", "tutti", "segreteria e sms", "sms e segreteria", "both", "voicemail and sms", "sms and voicemail"},
	}
	// anyCentreWords ask for whichever centre can call first.
	anyCentreWords = []string{"primo", "il primo", "qualsiasi", "uno qualsiasi", "chiunque", "first", "any", "anyone", "whichever"}
)

// typedIn says whether normalized text t is one of words.
func typedIn(words []string, t string) bool {
	return t != "" && slices.ContainsFunc(words, func(w string) bool { return directory.Normalize(w) == t })
}

// yesNo reads a typed yes or no; ok is false for anything else.
func yesNo(text string) (yes, ok bool) {
	t := directory.Normalize(text)
	t = strings.TrimSuffix(strings.TrimSuffix(t, " grazie"), " thanks")
	switch {
	case typedIn(yesWords, t):
		return true, true
	case typedIn(noWords, t):
		return false, true
	}
	return false, false
}

// msgChoice reads a typed answer to "may they leave a message".
func msgChoice(text string) (string, bool) {
	t := directory.Normalize(text)
	for _, k := range msgChoices {
		if typedIn(msgWords[k], t) {
			return k, true
		}
	}
	return "", false
}

// matchCentre reads the centre she names among those offered, by its name
// or its town ("Crema"), or "whichever" when one network is offered; the
// result is the data of its button, without "cb:c:".
func matchCentre(text string, centres []*directory.Centre, nets []directory.Network) (string, bool) {
	t := directory.Normalize(text)
	if t == "" {
		return "", false
	}
	if typedIn(anyCentreWords, t) && len(nets) == 1 {
		return "*" + nets[0].ID, true
	}
	var found []string
	for _, c := range centres {
		if t == directory.Normalize(c.Town) || t == directory.Normalize(c.Name) || c.ShortName != "" && t == directory.Normalize(c.ShortName) {
			found = append(found, c.ID)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return "", false
}
