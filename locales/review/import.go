package review

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"frontdoor/locales"
)

// Imported says what an import changed.
type Imported struct {
	Lang string
	// Changed are the messages whose translation she corrected or wrote.
	Changed []string
	// Reviewed counts the messages recorded as reviewed.
	Reviewed int
	// Notes are her notes, "id: note".
	Notes []string
	// Readme is true when the README's table of translations was updated.
	Readme bool
}

// Import reads a filled-in sheet back into dir, the folder of the message
// files on disk: her corrections replace the translations they correct,
// and every message left in the sheet is recorded as reviewed by her on
// the sheet's date, against the Italian the sheet showed. Nothing changes
// unless the whole sheet is right: a correction that drops a {{.Value}} or
// a <b> tag, or that was written against a text that has changed since,
// is an error naming its line. The README next to dir, if there is one,
// gets its table of translations updated.
func Import(dir string, f *Form, today time.Time) (Imported, error) {
	res := Imported{Lang: f.Lang}
	fsys := os.DirFS(dir)
	if f.Lang == locales.Source {
		return res, fmt.Errorf("%s is the source language", f.Lang)
	}
	tr, err := locales.ReadMessages(fsys, f.Lang)
	if err != nil {
		return res, fmt.Errorf("language %q: %w", f.Lang, err)
	}
	src, err := locales.ReadMessages(fsys, locales.Source)
	if err != nil {
		return res, err
	}
	st, err := locales.ReadStamps(fsys, f.Lang)
	if err != nil {
		return res, err
	}
	date, fixed, err := check(f, src, tr, today)
	if err != nil {
		return res, err
	}
	path := filepath.Join(dir, f.Lang+".toml")
	raw, err := os.ReadFile(path)
	if err != nil {
		return res, err
	}
	if raw, res.Changed, err = withFixes(raw, src, tr, fixed); err != nil {
		return res, err
	}
	res.Reviewed = recordReview(&st, f, src, tr, fixed)
	st.Review = locales.Review{By: f.Reviewer, On: date}
	for _, e := range f.Entries {
		if e.Note != "" {
			res.Notes = append(res.Notes, e.ID+": "+e.Note)
		}
	}

	if len(res.Changed) > 0 {
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			return res, err
		}
	}
	order := make([]string, len(src))
	for i, m := range src {
		order[i] = m.ID
	}
	if err := locales.WriteStamps(dir, f.Lang, st, order); err != nil {
		return res, err
	}
	res.Readme, err = UpdateReadme(filepath.Join(dir, "..", "README.md"), os.DirFS(dir))
	return res, err
}

// check reads the whole sheet against the files: the header, and every
// correction. It returns the review's date and the corrected messages, or
// every error it found.
func check(f *Form, src, tr []locales.Message, today time.Time) (string, map[string]locales.Message, error) {
	var errs []error
	if f.Reviewer == "" {
		errs = append(errs, errors.New("reviewer: is empty: write your name after it"))
	}
	date := f.Date
	if date == "" {
		date = today.Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, date); err != nil {
		errs = append(errs, fmt.Errorf("date: %q is not a date like 2027-01-31", date))
	}
	forms, _ := locales.PluralExamples(f.Lang)
	srcs, trs := index(src), index(tr)
	fixed := map[string]locales.Message{}
	for _, e := range f.Entries {
		it, ok := srcs[e.ID]
		if !ok {
			errs = append(errs, fmt.Errorf("line %d: there is no message %s any more: write a new sheet", e.Line, e.ID))
			continue
		}
		if len(e.Fix) == 0 {
			continue
		}
		cur, had := trs[e.ID]
		switch {
		case locales.Hash(it) != e.ItHash:
			errs = append(errs, fmt.Errorf("line %d: %s: the Italian text changed after this sheet was written; write a new sheet for this correction", e.Line, e.ID))
			continue
		case had && locales.Hash(cur) != e.TrHash, !had && e.TrHash != "-":
			errs = append(errs, fmt.Errorf("line %d: %s: the translation changed after this sheet was written; write a new sheet for this correction", e.Line, e.ID))
			continue
		}
		m, err := corrected(it, cur, e.Fix, forms)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %s: %w", e.Line, e.ID, err))
			continue
		}
		fixed[e.ID] = m
	}
	return date, fixed, errors.Join(errs...)
}

// withFixes writes the corrected messages into raw, the translation's
// file: each replaces its line, or, when it was not translated yet, comes
// after the message that precedes it in the source.
func withFixes(raw []byte, src, tr []locales.Message, fixed map[string]locales.Message) ([]byte, []string, error) {
	trs := index(tr)
	var changed []string
	for i, m := range src {
		fix, ok := fixed[m.ID]
		if !ok {
			continue
		}
		after := ""
		for j := i - 1; j >= 0 && after == ""; j-- {
			if _, ok := trs[src[j].ID]; ok || fixed[src[j].ID].ID != "" {
				after = src[j].ID
			}
		}
		var err error
		if raw, err = locales.SetMessage(raw, fix, after); err != nil {
			return nil, nil, err
		}
		changed = append(changed, m.ID)
	}
	return raw, changed, nil
}

// recordReview stamps every message of the sheet as reviewed against the
// texts the sheet showed, and returns how many.
func recordReview(st *locales.Stamps, f *Form, src, tr []locales.Message, fixed map[string]locales.Message) int {
	srcs, trs := index(src), index(tr)
	n := 0
	for _, e := range f.Entries {
		itHash := locales.Hash(srcs[e.ID])
		s := st.Messages[e.ID]
		if m, ok := fixed[e.ID]; ok {
			s = locales.Stamp{It: itHash, Text: locales.Hash(m)}
			s.Reviewed = locales.ReviewHash(s.It, s.Text)
		} else if cur, ok := trs[e.ID]; ok {
			if e.ItHash == itHash && e.TrHash == locales.Hash(cur) {
				// She read this translation against this Italian and let
				// it stand: it translates the Italian as it is now.
				s.It, s.Text = itHash, e.TrHash
			}
			if s.It == "" {
				continue // never stamped and changed since: the stamps test shows it
			}
			// Against what the sheet showed: if either text changed
			// since, the message is to review again.
			s.Reviewed = locales.ReviewHash(e.ItHash, e.TrHash)
		} else {
			continue // not translated, and she wrote nothing
		}
		st.Messages[e.ID] = s
		n++
	}
	return n
}

// htmlTag is an HTML tag of a message: a correction keeps the Italian's.
var htmlTag = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)

// corrected builds the corrected message from the current one (zero when
// there is none) and her fixes, and checks that it keeps the Italian's
// values and tags and is a template go-i18n can fill.
func corrected(it, cur locales.Message, fix map[string]string, forms []string) (locales.Message, error) {
	m := locales.Message{ID: it.ID, Plural: it.Plural, Forms: map[string]string{}}
	if it.Plural {
		maps.Copy(m.Forms, cur.Forms)
	}
	for form, text := range fix {
		if !it.Plural && form != "other" {
			return m, fmt.Errorf("this message has no plural forms: write the correction after fix:")
		}
		if it.Plural && !slices.Contains(forms, form) {
			return m, fmt.Errorf("fix.%s: the forms of this language are %s", form, strings.Join(forms, ", "))
		}
		m.Forms[form] = text
	}
	if it.Plural {
		for _, f := range forms {
			if strings.TrimSpace(m.Forms[f]) == "" {
				return m, fmt.Errorf("fix.%s is missing", f)
			}
		}
	}
	want := it.Values()
	wantTags := strings.Join(htmlTag.FindAllString(it.Text(), -1), "")
	for _, form := range slices.Sorted(maps.Keys(m.Forms)) {
		text := m.Forms[form]
		if _, err := template.New("").Parse(text); err != nil {
			return m, fmt.Errorf("the words in {{ }} are broken: copy them from the Italian")
		}
		if tags := strings.Join(htmlTag.FindAllString(text, -1), ""); tags != wantTags {
			return m, fmt.Errorf("the bold marks differ from the Italian's: keep %q", wantTags)
		}
	}
	if got := m.Values(); !slices.Equal(got, want) {
		return m, fmt.Errorf("the words in {{ }} must be those of the Italian, %v; the correction has %v", want, got)
	}
	return m, nil
}
