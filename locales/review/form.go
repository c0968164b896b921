package review

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"frontdoor/locales"
)

// The fill-in sheet is a plain text file a reviewer edits in any text
// editor: for each message the Italian, English and current texts, then a
// "fix:" line for her correction and a "note:" line for anything else.
// WriteForm writes it; ReadForm reads it back.

// formHelp opens every fill-in sheet.
const formHelp = `# HOW TO FILL IN THIS FILE
# Open it in any text editor (Notepad, TextEdit, Gedit) and save it as it is
# (UTF-8 text). Then send it back to whoever gave it to you.
#
# 1. Write your name (and your centre, if you like) after "reviewer:" and the
#    date after "date:" (year-month-day, like 2027-01-31).
# 2. Each message below shows the Italian text ("it:"), the English one
#    ("en:") and the text in your language now.
#    - If it is right, leave "fix:" empty.
#    - If it is not, write the whole corrected text after "fix:".
#    - A text on several lines: start each of the following lines with two
#      spaces.
# 3. "note:" is for anything you want to tell us, in any language.
# 4. Do not change the lines in [square brackets]: they name the message.
# 5. Every message still in this file when you send it counts as read and
#    approved by you. If you did not read a part, delete that part.
#
# RULES
# - The first two lines of every message she receives show on the phone's
#   lock screen: they must never say what this is about. In your language
#   these word stems must not appear in them: %[1]s.
# - Address her the way your language's support services address an adult
#   stranger, as the texts do now, and the same way everywhere.
# - Keep every fact: numbers, hours, what each number does (112 also answers
#   for 113, 115 and 118 in Lombardy; 1522 is free, anonymous, always on,
#   also as a chat at 1522.eu). Keep words like {{.Name}} exactly as they
#   are: the program puts a name, a time or a number there. Keep <b> and
#   </b> around the same words: they make them bold.
# - Lines starting with ! tell you something about the message below them.
`

// WriteForm writes the fill-in sheet.
func WriteForm(w io.Writer, s *Sheet) error {
	ew := &errWriter{w: w}
	ew.printf("# frontdoor: review of the texts in %s (%s.toml), written on %s.\n", s.Name, s.Lang, s.Written)
	ew.printf("# The same messages, as whole screens and ready to print: %s-review.html.\n", s.Lang)
	if s.Review.By != "" {
		ew.printf("# Last reviewed by %s on %s.\n", s.Review.By, s.Review.On)
	}
	ew.printf("#\n"+formHelp+"\n", strings.Join(s.Alarming, ", "))
	if len(s.Forms) > 1 {
		ew.printf("# Some messages change with a number ({{.Count}}, {{.N}}): write each form\n# your language needs: %s.\n\n", formExamples(s.Lang, s.Forms))
	}
	ew.printf("language: %s\nreviewer: \ndate: \n", s.Lang)
	for i, p := range s.Parts {
		ew.printf("\n== Part %d: %s\n", i+1, p.Title)
		for _, sec := range p.Sections {
			ew.printf("\n== %s\n", sec.Title)
			for _, e := range sec.Entries {
				writeEntry(ew, s, e)
			}
		}
	}
	return ew.err
}

// formExamples says which counts take each plural form: "one (1, 21,
// 31…)".
func formExamples(lang string, forms []string) string {
	pick := locales.PluralPicker(lang)
	examples := map[string][]string{}
	for n := range 112 {
		if f := pick(n); len(examples[f]) < 3 {
			examples[f] = append(examples[f], fmt.Sprint(n))
		}
	}
	if f := pick("1.5"); len(examples[f]) < 3 {
		examples[f] = append(examples[f], "1.5")
	}
	parts := make([]string, len(forms))
	for i, f := range forms {
		parts[i] = fmt.Sprintf("%s (%s…)", f, strings.Join(examples[f], ", "))
	}
	return strings.Join(parts, ", ")
}

func writeEntry(ew *errWriter, s *Sheet, e Entry) {
	tr := e.TrHash
	if e.Missing {
		tr = "-"
	}
	ew.printf("\n[%s %s %s]\n", e.ID, e.ItHash, tr)
	switch {
	case e.Missing:
		ew.printf("! Not translated yet: please write it after fix:.\n")
	case e.Stale:
		ew.printf("! The Italian changed after this was translated: compare carefully.\n")
	case e.ReviewAgain:
		ew.printf("! Changed since the last review.\n")
	}
	writeTexts(ew, "it", e.It)
	if len(e.En.Forms) > 0 {
		writeTexts(ew, "en", e.En)
	}
	if e.Missing {
		ew.printf("%s: (none)\n", s.Lang)
	} else {
		writeTexts(ew, s.Lang, e.Tr)
	}
	if e.It.Plural {
		for _, f := range s.Forms {
			ew.printf("fix.%s: \n", f)
		}
	} else {
		ew.printf("fix: \n")
	}
	ew.printf("note: \n")
}

// writeTexts writes a message's text, or each of its forms, under key.
func writeTexts(ew *errWriter, key string, m locales.Message) {
	if !m.Plural {
		ew.printf("%s: %s\n", key, indent(m.Text()))
		return
	}
	for _, f := range locales.PluralForms {
		if text, ok := m.Forms[f]; ok {
			ew.printf("%s.%s: %s\n", key, f, indent(text))
		}
	}
}

// indent writes the lines after the first of a text with two spaces in
// front, as the sheet continues a text.
func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }

// Form is a filled-in sheet as read back.
type Form struct {
	Lang, Reviewer, Date string
	Entries              []FormEntry
}

// FormEntry is one message of a filled-in sheet.
type FormEntry struct {
	ID string
	// ItHash and TrHash are the hashes of the texts the sheet showed; TrHash
	// is "-" when there was no translation.
	ItHash, TrHash string
	// Line is where the entry starts in the file.
	Line int
	// Fix holds her corrections by plural form ("other" for a plain text).
	Fix  map[string]string
	Note string
}

// ReadForm reads a filled-in sheet. A line it cannot read is an error that
// names it; nothing is guessed.
func ReadForm(r io.Reader) (*Form, error) {
	f := &Form{}
	var e *FormEntry
	var cont func(line string) // continues a text with an indented line
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		switch {
		case strings.TrimSpace(line) == "", strings.HasPrefix(line, "#"), strings.HasPrefix(line, "!"), strings.HasPrefix(line, "=="):
			cont = nil
			continue
		case line[0] == ' ' || line[0] == '\t':
			if cont == nil {
				errs = append(errs, fmt.Errorf("line %d: an indented line continues a fix: or note: line, and none is above it", n))
				continue
			}
			cont(strings.TrimLeft(line, " \t"))
			continue
		case strings.HasPrefix(line, "["):
			fields := strings.Fields(strings.Trim(line, "[] "))
			if !strings.HasSuffix(strings.TrimSpace(line), "]") || len(fields) != 3 {
				errs = append(errs, fmt.Errorf("line %d: %q is not the name of a message: the lines in [square brackets] must stay as they were", n, line))
				e, cont = nil, nil
				continue
			}
			f.Entries = append(f.Entries, FormEntry{ID: fields[0], ItHash: fields[1], TrHash: fields[2], Line: n, Fix: map[string]string{}})
			e, cont = &f.Entries[len(f.Entries)-1], nil
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			errs = append(errs, fmt.Errorf("line %d: I cannot read %q: a line is \"name: text\", and a line that continues a text starts with two spaces", n, line))
			cont = nil
			continue
		}
		value = strings.TrimSpace(value)
		cont = nil
		switch {
		case e == nil:
			switch key {
			case "language":
				f.Lang = value
			case "reviewer":
				f.Reviewer = value
			case "date":
				f.Date = value
			default:
				errs = append(errs, fmt.Errorf("line %d: %q: only language:, reviewer: and date: come before the first message", n, key))
			}
		case key == "note":
			e.Note = value
			entry := e
			cont = func(l string) { entry.Note = joinLine(entry.Note, l) }
		case key == "fix" || strings.HasPrefix(key, "fix."):
			form := strings.TrimPrefix(strings.TrimPrefix(key, "fix"), ".")
			if form == "" {
				form = "other"
			}
			e.Fix[form] = value
			fix := e.Fix
			cont = func(l string) { fix[form] = joinLine(fix[form], l) }
		case key == "it", key == "en", key == f.Lang, strings.Contains(key, "."):
			// The texts the sheet showed, with their further lines; her
			// changes go after fix:.
			cont = func(string) {}
		default:
			errs = append(errs, fmt.Errorf("line %d: %q is not a name the sheet uses (fix:, note:)", n, key))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i := range f.Entries {
		for form, text := range f.Entries[i].Fix {
			if strings.TrimSpace(text) == "" {
				delete(f.Entries[i].Fix, form)
			}
		}
	}
	if f.Lang == "" {
		errs = append(errs, errors.New("the sheet has no \"language:\" line: was it cut?"))
	}
	return f, errors.Join(errs...)
}

// joinLine adds a line to a text that may still be empty.
func joinLine(text, line string) string {
	if text == "" {
		return line
	}
	return text + "\n" + line
}
