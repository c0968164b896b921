package locales

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/BurntSushi/toml"
)

// StampsDir is the folder, next to the message files, that holds one file
// of stamps per translation: for each message, which Italian text it was
// translated from and which one a native speaker last reviewed. The files
// are not embedded: only the tools read them.
const StampsDir = "stamps"

// Stamp records, as short hashes, what one translated message was made
// from: the Italian text (It) and the translation itself (Text) when it was
// last stamped, and both together when a native speaker last reviewed it
// (Reviewed, empty until then).
type Stamp struct {
	It       string `toml:"it"`
	Text     string `toml:"text"`
	Reviewed string `toml:"reviewed,omitempty"`
}

// Review says who last reviewed a translation and when (YYYY-MM-DD).
type Review struct {
	By string `toml:"by"`
	On string `toml:"on"`
}

// Stamps are the stamps of one translation.
type Stamps struct {
	Review   Review
	Messages map[string]Stamp
}

// Hash is a short hash of a message's text, or of its plural forms.
func Hash(m Message) string {
	h := sha256.New()
	if !m.Plural {
		h.Write([]byte(m.Text()))
	} else {
		for _, f := range PluralForms {
			if text, ok := m.Forms[f]; ok {
				fmt.Fprintf(h, "%s=%s\n", f, text)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// ReviewHash is the Reviewed stamp of a translation whose text hashes to
// text, reviewed against the Italian that hashes to it.
func ReviewHash(it, text string) string {
	sum := sha256.Sum256([]byte(it + ":" + text))
	return hex.EncodeToString(sum[:4])
}

// Status sorts a translation's messages by what they need.
type Status struct {
	// Unstamped were added since the stamps were last written.
	Unstamped []string
	// Stale were translated from an Italian text that has changed since.
	Stale []string
	// ReviewAgain were reviewed, but the Italian or the translation has
	// changed since.
	ReviewAgain []string
	// Reviewed were reviewed as they are now.
	Reviewed []string
}

// Check compares a translation with the source and its stamps. Messages the
// source lacks are left out (the completeness test names them).
func Check(src, tr []Message, st Stamps) Status {
	var s Status
	it := index(src)
	for _, m := range tr {
		sm, ok := it[m.ID]
		if !ok {
			continue
		}
		itHash, textHash := Hash(sm), Hash(m)
		e, stamped := st.Messages[m.ID]
		switch {
		case !stamped:
			s.Unstamped = append(s.Unstamped, m.ID)
			continue
		case e.It != itHash:
			s.Stale = append(s.Stale, m.ID)
		}
		switch e.Reviewed {
		case "":
		case ReviewHash(itHash, textHash):
			s.Reviewed = append(s.Reviewed, m.ID)
		default:
			s.ReviewAgain = append(s.ReviewAgain, m.ID)
		}
	}
	return s
}

// index maps messages by id.
func index(msgs []Message) map[string]Message {
	out := make(map[string]Message, len(msgs))
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out
}

// StampReport says what stamping did to one translation.
type StampReport struct {
	// Stamped are new messages and messages whose translation changed.
	Stamped []string
	// Confirmed are stale messages stamped because they were said to need
	// no new translation.
	Confirmed []string
	// Stale are left stale: their Italian changed and their translation
	// did not.
	Stale []string
}

// Restamp brings a translation's stamps up to date with the files: a new
// message, or one whose translation changed, is stamped as made from the
// Italian it has now. A message whose Italian changed while its
// translation did not stays stale — stamping it would hide the change —
// unless same says its translation needs no change. Reviews are kept: a
// review no longer matching shows as "review again".
func Restamp(src, tr []Message, st Stamps, same func(id string) bool) (Stamps, StampReport) {
	var rep StampReport
	it := index(src)
	out := Stamps{Review: st.Review, Messages: make(map[string]Stamp, len(tr))}
	for _, m := range tr {
		sm, ok := it[m.ID]
		if !ok {
			continue
		}
		itHash, textHash := Hash(sm), Hash(m)
		e, stamped := st.Messages[m.ID]
		switch {
		case !stamped:
			e = Stamp{It: itHash, Text: textHash}
			rep.Stamped = append(rep.Stamped, m.ID)
		case e.It == itHash && e.Text == textHash:
		case e.Text != textHash:
			e.It, e.Text = itHash, textHash
			rep.Stamped = append(rep.Stamped, m.ID)
		case same != nil && same(m.ID):
			e.It = itHash
			rep.Confirmed = append(rep.Confirmed, m.ID)
		default:
			rep.Stale = append(rep.Stale, m.ID)
		}
		out.Messages[m.ID] = e
	}
	return out, rep
}

// stampsFile is the layout of a file of stamps.
type stampsFile struct {
	Review   *Review          `toml:"review"`
	Messages map[string]Stamp `toml:"messages"`
}

// ReadStamps reads the stamps of lang from fsys (the folder of the message
// files). A translation without a file of stamps has none yet.
func ReadStamps(fsys fs.FS, lang string) (Stamps, error) {
	raw, err := fs.ReadFile(fsys, StampsDir+"/"+lang+".toml")
	if errors.Is(err, fs.ErrNotExist) {
		return Stamps{Messages: map[string]Stamp{}}, nil
	}
	if err != nil {
		return Stamps{}, err
	}
	var f stampsFile
	if _, err := toml.Decode(string(raw), &f); err != nil {
		return Stamps{}, fmt.Errorf("%s/%s.toml: %w", StampsDir, lang, err)
	}
	st := Stamps{Messages: f.Messages}
	if f.Review != nil {
		st.Review = *f.Review
	}
	if st.Messages == nil {
		st.Messages = map[string]Stamp{}
	}
	return st, nil
}

// stampsHeader opens every file of stamps.
const stampsHeader = `# Stamps of %[1]s.toml: for each message, a short hash of the Italian text it
# was translated from ("it"), of the translation when it was stamped
# ("text") and, once a native speaker reviewed it, of both at that time
# ("reviewed"). Written by the tools, never by hand: see "Translators" in
# README.md. After a merge conflict here, take either side and stamp again.
`

// WriteStamps writes the stamps of lang into dir (the folder of the message
// files), messages in the order of order (the source file's ids).
func WriteStamps(dir, lang string, st Stamps, order []string) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, stampsHeader, lang)
	if st.Review.By != "" {
		fmt.Fprintf(&b, "\n[review]\nby = %s\non = %s\n", quote(st.Review.By), quote(st.Review.On))
	}
	b.WriteString("\n[messages]\n")
	var ids []string
	for _, id := range order {
		if _, ok := st.Messages[id]; ok {
			ids = append(ids, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(st.Messages)) {
		if !slices.Contains(order, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		e := st.Messages[id]
		fmt.Fprintf(&b, "%s = { it = %q, text = %q", quote(id), e.It, e.Text)
		if e.Reviewed != "" {
			fmt.Fprintf(&b, ", reviewed = %q", e.Reviewed)
		}
		b.WriteString(" }\n")
	}
	path := filepath.Join(dir, StampsDir, lang+".toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// RestampDir restamps every translation in dir, the folder of the message
// files on disk, and writes the stamps that changed. same tells, for a
// stale message, whether its translation needs no change.
func RestampDir(dir string, same func(lang, id string) bool) (map[string]StampReport, error) {
	fsys := os.DirFS(dir)
	langs, err := FileLangs(fsys)
	if err != nil {
		return nil, err
	}
	src, err := ReadMessages(fsys, Source)
	if err != nil {
		return nil, err
	}
	order := make([]string, len(src))
	for i, m := range src {
		order[i] = m.ID
	}
	reports := map[string]StampReport{}
	for _, lang := range langs {
		if lang == Source {
			continue
		}
		tr, err := ReadMessages(fsys, lang)
		if err != nil {
			return nil, err
		}
		st, err := ReadStamps(fsys, lang)
		if err != nil {
			return nil, err
		}
		sameHere := func(id string) bool { return same != nil && same(lang, id) }
		next, rep := Restamp(src, tr, st, sameHere)
		if !maps.Equal(next.Messages, st.Messages) {
			if err := WriteStamps(dir, lang, next, order); err != nil {
				return nil, err
			}
		}
		reports[lang] = rep
	}
	return reports, nil
}
