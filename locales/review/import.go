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
	if err := errors.Join(errs...); err != nil {
		return res, err
	}

	path := filepath.Join(dir, f.Lang+".toml")
	raw, err := os.ReadFile(path)
	if err != nil {
		return res, err
	}
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
		if raw, err = locales.SetMessage(raw, fix, after); err != nil {
			return res, err
		}
		res.Changed = append(res.Changed, m.ID)
	}

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
		res.Reviewed++
		if e.Note != "" {
			res.Notes = append(res.Notes, e.ID+": "+e.Note)
		}
	}
	st.Review = locales.Review{By: f.Reviewer, On: date}

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
