package review_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/locales"
	"frontdoor/locales/review"
)

var today = time.Date(2027, time.January, 10, 12, 0, 0, 0, time.UTC)

// checkout copies the message files, their stamps and the README into a
// temporary folder laid out like the repository, and returns the folder
// of the message files.
func checkout(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "locales")
	for _, pattern := range []string{"../*.toml", "../stamps/*.toml", "../../README.md"} {
		names, err := filepath.Glob(pattern)
		if err != nil || len(names) == 0 {
			t.Fatalf("%s: %v", pattern, err)
		}
		for _, name := range names {
			rel, _ := filepath.Rel("..", name)
			dst := filepath.Join(dir, rel)
			raw, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// sheet writes the review sheet of lang from dir, both files.
func sheet(t *testing.T, dir, lang string) (form, page string) {
	t.Helper()
	cat, steps := tour(t)
	s, err := review.New(os.DirFS(dir), lang, steps, bot.NewRenderer(cat), today)
	if err != nil {
		t.Fatal(err)
	}
	var f, h bytes.Buffer
	if err := review.WriteForm(&f, s); err != nil {
		t.Fatal(err)
	}
	if err := review.WriteHTML(&h, s); err != nil {
		t.Fatal(err)
	}
	return f.String(), h.String()
}

// fill writes text after the line "key: " that follows the entry of id, as
// a reviewer does in her text editor.
func fill(t *testing.T, form, id, key, text string) string {
	t.Helper()
	at := strings.Index(form, "\n["+id+" ")
	if at < 0 {
		t.Fatalf("no entry %s in the sheet", id)
	}
	rest := form[at:]
	k := strings.Index(rest, "\n"+key+": \n")
	if k < 0 {
		t.Fatalf("no %q line under %s", key, id)
	}
	k += at + len("\n"+key+": ")
	return form[:k] + text + form[k:]
}

func importForm(t *testing.T, dir, form string) (review.Imported, error) {
	t.Helper()
	f, err := review.ReadForm(strings.NewReader(form))
	if err != nil {
		return review.Imported{}, err
	}
	return review.Import(dir, f, today)
}

func read(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestSheetRoundTrip writes the Ukrainian sheet, fills it in as a reviewer
// would (a plain correction, a two-line one, a plural one, a translation
// that was missing, a note) and imports it: only those messages change in
// uk.toml, no other file changes, every message she had is recorded as
// reviewed by her, the README's table names her, and a later change of an
// Italian text marks its message for review again.
func TestSheetRoundTrip(t *testing.T) {
	dir := checkout(t)
	ukPath := filepath.Join(dir, "uk.toml")
	// A message another branch added without translating it yet.
	before := strings.Replace(read(t, ukPath), "\"cb.say.hangup\" = \"Нічого не казати й покласти слухавку\"\n", "", 1)
	if err := os.WriteFile(ukPath, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	others := map[string]string{}
	for _, name := range []string{"it.toml", "en.toml", "ar.toml", "stamps/ar.toml"} {
		others[name] = read(t, filepath.Join(dir, name))
	}

	form, page := sheet(t, dir, "uk")
	for _, want := range []string{"[welcome.hello ", "[open.count ", "[staff.prompt_hours ", "! Not translated yet", "fix.few: "} {
		if !strings.Contains(form, want) {
			t.Errorf("the sheet lacks %q", want)
		}
	}
	if !strings.Contains(page, "cb.say.hangup") || strings.Contains(page, "<script") {
		t.Error("the printable sheet is not as expected")
	}

	form = strings.Replace(form, "reviewer: \n", "reviewer: Олена К. (CAV Cremona)\n", 1)
	form = strings.Replace(form, "date: \n", "date: 2027-01-09\n", 1)
	form = fill(t, form, "welcome.hello", "fix", "Привіт 👋")
	form = fill(t, form, "welcome.hello", "note", "Привіт is fine too.")
	form = fill(t, form, "staff.edit_title", "fix", "Що змінити?\n  <b>{{.Name}}</b>")
	form = fill(t, form, "open.count", "fix.few", "{{.Count}} центри відчинені зараз:")
	form = fill(t, form, "cb.say.hangup", "fix", "Нічого не казати й покласти слухавку")

	res, err := importForm(t, dir, form)
	if err != nil {
		t.Fatal(err)
	}
	changed := []string{"welcome.hello", "open.count", "cb.say.hangup", "staff.edit_title"}
	if !slices.Equal(slices.Sorted(slices.Values(res.Changed)), slices.Sorted(slices.Values(changed))) {
		t.Errorf("changed %v, want %v", res.Changed, changed)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "Привіт is fine too.") || !res.Readme {
		t.Errorf("notes %v, README updated %v", res.Notes, res.Readme)
	}

	after := read(t, ukPath)
	oldLines, newLines := strings.Split(before, "\n"), strings.Split(after, "\n")
	var gone, added []string
	for _, l := range oldLines {
		if !slices.Contains(newLines, l) {
			gone = append(gone, l)
		}
	}
	for _, l := range newLines {
		if !slices.Contains(oldLines, l) {
			added = append(added, l)
		}
	}
	if len(gone) != 3 || len(added) != 4 {
		t.Errorf("uk.toml: lines gone %q, added %q; want only the three corrected lines replaced and one added", gone, added)
	}
	for _, want := range []string{
		`"welcome.hello" = "Привіт 👋"`,
		`"staff.edit_title" = "Що змінити?\n<b>{{.Name}}</b>"`,
		`"open.count" = { one = `,
		`"cb.say.survey" = "Сказати, що це опитування"` + "\n" + `"cb.say.hangup" = "Нічого не казати й покласти слухавку"`,
	} {
		if !strings.Contains(after, want) {
			t.Errorf("uk.toml lacks %s", want)
		}
	}
	for name, want := range others {
		if got := read(t, filepath.Join(dir, name)); got != want {
			t.Errorf("%s changed", name)
		}
	}

	src, err := locales.ReadMessages(os.DirFS(dir), locales.Source)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := locales.ReadMessages(os.DirFS(dir), "uk")
	if err != nil {
		t.Fatal(err)
	}
	st, err := locales.ReadStamps(os.DirFS(dir), "uk")
	if err != nil {
		t.Fatal(err)
	}
	s := locales.Check(src, tr, st)
	if len(s.Reviewed) != len(src) || len(s.ReviewAgain)+len(s.Stale)+len(s.Unstamped) != 0 || res.Reviewed != len(src) {
		t.Errorf("after the import: %d of %d reviewed (%d said), %+v", len(s.Reviewed), len(src), res.Reviewed, s)
	}
	if st.Review.By != "Олена К. (CAV Cremona)" || st.Review.On != "2027-01-09" {
		t.Errorf("review %+v", st.Review)
	}
	if readme := read(t, filepath.Join(dir, "..", "README.md")); !strings.Contains(readme, "| Українська | `uk.toml` | Олена К. (CAV Cremona) | 2027-01-09 |") {
		t.Error("the README's table does not name the reviewer")
	}

	// The Italian of a message changes: it is to review again, and its
	// translation is stale.
	itPath := filepath.Join(dir, "it.toml")
	if err := os.WriteFile(itPath, []byte(strings.Replace(read(t, itPath), `"cb.msg.vm" = "Va bene un messaggio in segreteria"`, `"cb.msg.vm" = "Va bene un messaggio in segreteria telefonica"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	src, _ = locales.ReadMessages(os.DirFS(dir), locales.Source)
	s = locales.Check(src, tr, st)
	if !slices.Equal(s.ReviewAgain, []string{"cb.msg.vm"}) || !slices.Equal(s.Stale, []string{"cb.msg.vm"}) {
		t.Errorf("after an Italian change: %+v", s)
	}
	if form, _ := sheet(t, dir, "uk"); !strings.Contains(form, "! The Italian changed after this was translated") {
		t.Error("the next sheet does not mark the message")
	}
}

// TestImportRefuses: a sheet with a broken correction, or one written
// against texts that changed since, changes nothing and says why, with the
// line of the message.
func TestImportRefuses(t *testing.T) {
	dir := checkout(t)
	form, _ := sheet(t, dir, "fr")
	form = strings.Replace(form, "reviewer: \n", "reviewer: Claire\n", 1)
	files := func() string {
		return read(t, filepath.Join(dir, "fr.toml")) + read(t, filepath.Join(dir, "stamps", "fr.toml"))
	}
	was := files()
	for name, tc := range map[string]struct{ form, want string }{
		"a value dropped":      {fill(t, form, "list.town", "fix", "Centres pour <b>la ville</b> :"), "words in {{ }}"},
		"a value broken":       {fill(t, form, "list.town", "fix", "Centres pour <b>{{.Town}</b> :"), "broken"},
		"bold lost":            {fill(t, form, "list.town", "fix", "Centres pour {{.Town}} :"), "bold"},
		"a form it lacks":      {fill(t, form, "open.count", "fix.one", "x {{.Count}}\nfix.bogus: y {{.Count}}"), "forms of this language"},
		"no reviewer":          {strings.Replace(fill(t, form, "list.town", "fix", "Centres pour <b>{{.Town}}</b>"), "reviewer: Claire\n", "reviewer: \n", 1), "reviewer"},
		"a bad date":           {strings.Replace(form, "date: \n", "date: 31/01/2027\n", 1), "not a date"},
		"a line cut in two":    {strings.Replace(form, "[list.town ", "[list.town\n", 1), "square brackets"},
		"a stray line":         {fill(t, form, "list.town", "fix", "Centres\nd'accord"), "cannot read"},
		"an unknown name line": {fill(t, form, "list.town", "note", "x\nfixe: Centres"), "not a name"},
	} {
		_, err := importForm(t, dir, tc.form)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, tc.want)
		}
		if files() != was {
			t.Fatalf("%s: the files changed", name)
		}
	}

	// The translation changes after the sheet was written.
	frPath := filepath.Join(dir, "fr.toml")
	changed := strings.Replace(read(t, frPath), `"list.town" = "Centres pour <b>{{.Town}}</b> :"`, `"list.town" = "Centres de <b>{{.Town}}</b> :"`, 1)
	if err := os.WriteFile(frPath, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := importForm(t, dir, fill(t, form, "list.town", "fix", "Les centres pour <b>{{.Town}}</b> :"))
	if err == nil || !strings.Contains(err.Error(), "changed after this sheet was written") {
		t.Errorf("a correction of a text changed since: %v", err)
	}
}

// TestReadFormAsSaved reads a sheet as Windows editors save it: a byte
// order mark, CRLF line ends.
func TestReadFormAsSaved(t *testing.T) {
	form := "\ufefflanguage: ro\r\nreviewer: Ana\r\ndate: \r\n\r\n[welcome.hello 1 2]\r\nit: Ciao\r\nfix: Salut\r\n  și bine ai venit\r\nnote: \r\n"
	f, err := review.ReadForm(strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	if f.Lang != "ro" || f.Reviewer != "Ana" || len(f.Entries) != 1 || f.Entries[0].Fix["other"] != "Salut\nși bine ai venit" || f.Entries[0].Line != 5 {
		t.Errorf("%+v", f)
	}
}
