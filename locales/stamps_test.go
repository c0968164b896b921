package locales_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"frontdoor/locales"
)

var (
	stamp = flag.Bool("stamp", false, "TestComplete stamps every new or newly translated message with the Italian text it was made from")
	same  = flag.String("same", "", "with -stamp: stale messages whose translation needs no change, as id or lang:id, comma-separated")
)

// checkStamps fails when a translation was made from an Italian text that
// has changed since (it must be translated again), or when a message was
// added without being stamped; TestComplete runs it. Stamping is the last
// step of writing a translation:
//
//	go test ./locales -run TestComplete -v -todo    lists them with the texts to compare
//	go test ./locales -run TestComplete -stamp      stamps what was added or translated again
//	go test ./locales -run TestComplete -stamp -same cb.msg.vm,uk:cb.msg.sms
//	                                                stamps stale messages that need no change
//
// It also lists, without failing, the messages a native speaker reviewed
// whose Italian or translation changed since: the review sheet marks them
// for review again.
func checkStamps(t *testing.T, langs []string) {
	t.Helper()
	if *stamp {
		reports, err := locales.RestampDir(".", sameSet(*same))
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range langs {
			if r := reports[lang]; len(r.Stamped)+len(r.Confirmed) > 0 {
				t.Logf("%s: stamped %d messages, confirmed %d unchanged", lang, len(r.Stamped), len(r.Confirmed))
			}
		}
	}
	src, err := locales.Messages(locales.Source)
	if err != nil {
		t.Fatal(err)
	}
	en := load(t, "en")
	itm := load(t, locales.Source)
	for _, lang := range langs {
		if lang == locales.Source {
			continue
		}
		tr, err := locales.Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		st, err := locales.ReadStamps(os.DirFS("."), lang)
		if err != nil {
			t.Fatal(err)
		}
		s := locales.Check(src, tr, st)
		if len(s.Unstamped) > 0 {
			t.Errorf("%s.toml: %d messages are not stamped; once they are translated, run\n\tgo test ./locales -run TestComplete -stamp\n\t%s",
				lang, len(s.Unstamped), strings.Join(s.Unstamped, "\n\t"))
		}
		if len(s.Stale) > 0 {
			t.Errorf("%s.toml: the Italian of %d messages changed since they were translated; translate them again, then stamp (-todo prints them):\n\t%s",
				lang, len(s.Stale), strings.Join(s.Stale, "\n\t"))
			if *todo {
				t.Logf("to translate again in %s.toml:\n%s", lang, retranslate(lang, s.Stale, itm, en, index(tr)))
			}
		}
		if len(s.ReviewAgain) > 0 {
			t.Logf("%s.toml: %d messages reviewed by %s on %s changed since; to review again:\n\t%s",
				lang, len(s.ReviewAgain), st.Review.By, st.Review.On, strings.Join(s.ReviewAgain, "\n\t"))
		}
	}
}

// sameSet reads -same: "id" stands for every language, "lang:id" for one.
func sameSet(list string) func(lang, id string) bool {
	set := map[string]bool{}
	for item := range strings.SplitSeq(list, ",") {
		if item = strings.TrimSpace(item); item != "" {
			set[item] = true
		}
	}
	return func(lang, id string) bool { return set[id] || set[lang+":"+id] }
}

// retranslate prints stale messages as TOML to paste over the old lines:
// the translation as it was, the Italian and English texts as they are
// now, and every plural form the language needs.
func retranslate(lang string, ids []string, src, en map[string]locales.Message, tr map[string]locales.Message) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "# %s, made from the old Italian: %s\n", lang, describe(tr[id]))
		b.WriteString(stubs(lang, []string{id}, src, en))
	}
	return b.String()
}

// index maps messages by id.
func index(msgs []locales.Message) map[string]locales.Message {
	out := make(map[string]locales.Message, len(msgs))
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out
}

// TestRestamp follows one message through the life the stamps record: a
// new translation is stamped, an Italian change makes it stale until it is
// translated again (or confirmed as needing no change), and a review is
// marked for review again when the Italian or the translation changes.
func TestRestamp(t *testing.T) {
	msg := func(id, text string) locales.Message {
		return locales.Message{ID: id, Forms: map[string]string{"other": text}}
	}
	src := []locales.Message{msg("a", "Ciao"), msg("b", "Esci")}
	tr := []locales.Message{msg("a", "Hello"), msg("b", "Exit")}
	st, rep := locales.Restamp(src, tr, locales.Stamps{}, nil)
	if len(rep.Stamped) != 2 || len(locales.Check(src, tr, st).Unstamped) != 0 {
		t.Fatalf("new messages: stamped %v, status %+v", rep.Stamped, locales.Check(src, tr, st))
	}

	// A message added later, on another branch, is unstamped until stamped.
	src2 := append(src, msg("c", "Nuovo"))
	tr2 := append(tr, msg("c", "New"))
	if s := locales.Check(src2, tr2, st); len(s.Unstamped) != 1 || s.Unstamped[0] != "c" {
		t.Errorf("a message added later: %+v", s)
	}

	// A native speaker reviews both.
	for _, m := range tr {
		e := st.Messages[m.ID]
		e.Reviewed = locales.ReviewHash(e.It, e.Text)
		st.Messages[m.ID] = e
	}
	if s := locales.Check(src, tr, st); len(s.Reviewed) != 2 || len(s.ReviewAgain)+len(s.Stale) != 0 {
		t.Fatalf("after the review: %+v", s)
	}

	// The Italian of a changes: a is stale and to review again, b is not.
	src[0] = msg("a", "Ciao!")
	s := locales.Check(src, tr, st)
	if !equal(s.Stale, "a") || !equal(s.ReviewAgain, "a") || !equal(s.Reviewed, "b") {
		t.Fatalf("after the Italian changed: %+v", s)
	}
	// Stamping does not hide it while the translation is the same...
	if next, rep := locales.Restamp(src, tr, st, nil); !equal(rep.Stale, "a") || !equal(locales.Check(src, tr, next).Stale, "a") {
		t.Errorf("stamping an untranslated change: %+v", rep)
	}
	// ...unless it needs no change,
	if next, rep := locales.Restamp(src, tr, st, func(id string) bool { return id == "a" }); !equal(rep.Confirmed, "a") || len(locales.Check(src, tr, next).Stale) != 0 {
		t.Errorf("confirming an unchanged translation: %+v", rep)
	}
	// ...or once it is translated again; the review still wants a reader.
	tr[0] = msg("a", "Hello!")
	next, rep := locales.Restamp(src, tr, st, nil)
	if s := locales.Check(src, tr, next); !equal(rep.Stamped, "a") || len(s.Stale) != 0 || !equal(s.ReviewAgain, "a") {
		t.Errorf("after translating again: stamped %v, status %+v", rep.Stamped, s)
	}

	// A translation edited without an Italian change is to review again.
	tr[1] = msg("b", "Leave")
	if s := locales.Check(src, tr, next); !equal(s.ReviewAgain, "a", "b") || len(s.Stale) != 0 {
		t.Errorf("after editing a translation: %+v", s)
	}
}

func equal(got []string, want ...string) bool {
	return strings.Join(got, " ") == strings.Join(want, " ")
}

// TestStampsFiles writes stamps and reads them back, review included.
func TestStampsFiles(t *testing.T) {
	dir := t.TempDir()
	st := locales.Stamps{
		Review:   locales.Review{By: `Olena "O." K.`, On: "2027-01-10"},
		Messages: map[string]locales.Stamp{"b": {It: "1", Text: "2", Reviewed: "3"}, "a": {It: "4", Text: "5"}, "gone": {It: "6", Text: "7"}},
	}
	if err := locales.WriteStamps(dir, "uk", st, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	back, err := locales.ReadStamps(os.DirFS(dir), "uk")
	if err != nil {
		t.Fatal(err)
	}
	if back.Review != st.Review || len(back.Messages) != 3 || back.Messages["b"] != st.Messages["b"] {
		t.Errorf("read back %+v, wrote %+v", back, st)
	}
	if none, err := locales.ReadStamps(os.DirFS(dir), "fr"); err != nil || len(none.Messages) != 0 {
		t.Errorf("no file: %+v, %v", none, err)
	}
}
