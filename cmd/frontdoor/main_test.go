package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runMain runs the command as a user would, with its own environment and
// standard input; it returns the exit status, stdout and stderr.
func runMain(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestNoTokenExplains(t *testing.T) {
	code, _, stderr := runMain(t, map[string]string{"FRONTDOOR_DATA": t.TempDir()}, "")
	if code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	for _, want := range []string{"@BotFather", "/newbot", "FRONTDOOR_TELEGRAM_TOKEN", "frontdoor console"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the explanation lacks %q:\n%s", want, stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := runMain(t, nil, "", "--help")
	if code != 0 {
		t.Errorf("exit status %d", code)
	}
	for _, want := range []string{"console", "directory export", "directory import", "operators add", "FRONTDOOR_DATA", "FRONTDOOR_KEY", "FRONTDOOR_CALLBACK_ESCALATE", "rekey", "FRONTDOOR_NEW_KEY"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	if code, _, stderr := runMain(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, stderr)
	}
}

// TestBadConfiguration: each mistake is one clear sentence and a non-zero
// status, never a panic or a stack trace.
func TestBadConfiguration(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		code int
		want string
	}{
		{"malformed key", map[string]string{"FRONTDOOR_KEY": "short"}, 2, "FRONTDOOR_KEY must be the base64 of 32 random bytes"},
		{"endpoint", map[string]string{"FRONTDOOR_TELEGRAM_API": "http://127.0.0.1/bot"}, 2, "must contain %s twice"},
		{"data directory", map[string]string{"FRONTDOOR_DATA": filepath.Join(notADir, "data")}, 1, notADir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env["FRONTDOOR_DATA"] == "" {
				tc.env["FRONTDOOR_DATA"] = t.TempDir()
			}
			code, _, stderr := runMain(t, tc.env, "", "console")
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("got %d %q, want %d and %q", code, stderr, tc.code, tc.want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("a stack trace instead of a sentence:\n%s", stderr)
			}
		})
	}
}

func TestStoreLockedByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	db := openDataStore(t, dir)
	defer db.Close()
	code, _, stderr := runMain(t, map[string]string{"FRONTDOOR_DATA": dir}, "", "console")
	if code != 1 || !strings.Contains(stderr, "locked by another process") {
		t.Errorf("got %d %q, want the lock explained", code, stderr)
	}
}

// TestConsole drives `frontdoor console` through its standard input, twice
// on the same data directory: the language she chose is remembered.
func TestConsole(t *testing.T) {
	env := map[string]string{"FRONTDOOR_DATA": t.TempDir()}
	code, stdout, stderr := runMain(t, env, "1\nCremona\n/lang en\n", "console")
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	for _, want := range []string{"Ciao", "[1] 🔎 Trova un centro", "Scrivi il nome del tuo comune", "📌 Cremona", "+390000000101", "Dati di esempio", "from now on I write in English"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the console did not show %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "<b>") {
		t.Errorf("HTML tags reached the terminal")
	}
	_, stdout, _ = runMain(t, env, "", "console")
	if !strings.Contains(stdout, "Hello") {
		t.Errorf("the second run forgot her language:\n%s", stdout)
	}
	if fi, err := os.Stat(filepath.Join(env["FRONTDOOR_DATA"], "frontdoor.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v, want mode 0600", fi, err)
	}
}

func TestDirectoryExportImport(t *testing.T) {
	env := map[string]string{"FRONTDOOR_DATA": newDataDir(t)}
	file := filepath.Join(t.TempDir(), "directory.toml")
	if code, _, stderr := runMain(t, env, "", "directory", "export", file); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	raw, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(raw, []byte("arca-cremona")) || !bytes.Contains(raw, []byte("# Il nome che le donne vedono.\nname = ")) {
		t.Fatalf("export wrote %q, %v", raw, err)
	}
	edited := bytes.Replace(raw, []byte(`name = "Donne Insieme – Bresso"`), []byte(`name = "Donne Insieme – Bresso (nuova sede)"`), 1)
	if bytes.Equal(edited, raw) {
		t.Fatal("the test's edit did not apply")
	}
	if err := os.WriteFile(file, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runMain(t, env, "", "directory", "check", file); code != 0 || !strings.Contains(stdout, "2 networks, 5 centres") ||
		!strings.Contains(stdout, "~ amaranta-bresso (Donne Insieme – Bresso (nuova sede)): name") {
		t.Fatalf("check: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr := runMain(t, env, "", "directory", "import", file); code != 0 || !strings.Contains(stdout, "Imported") {
		t.Fatalf("import: %d %q %q", code, stdout, stderr)
	}
	if _, stdout, _ := runMain(t, env, "", "audit"); !strings.Contains(stdout, "cli\tamaranta\tamaranta-bresso\timport changed") {
		t.Errorf("the import is not in the audit trail:\n%s", stdout)
	}
	if _, stdout, _ := runMain(t, env, "Bresso\n", "console"); !strings.Contains(stdout, "(nuova sede)") {
		t.Errorf("the console does not show the imported directory:\n%s", stdout)
	}
	// Export, import, export: the same file, comments included.
	if code, stdout, stderr := runMain(t, env, "", "directory", "export", "-"); code != 0 || stdout != string(edited) {
		t.Errorf("export after import: %d %s, differs from the file imported", code, stderr)
	}
	if _, stdout, _ := runMain(t, env, "", "directory", "export", "--lang", "en", "-"); !strings.Contains(stdout, "# The name women see.\nname = ") {
		t.Errorf("export --lang en has no English comments:\n%s", stdout)
	}

	bad := filepath.Join(t.TempDir(), "bad.toml")
	badFile := bytes.Replace(edited, []byte(`"+390000000211"`), []byte(`"telefono"`), 1)
	if err := os.WriteFile(bad, badFile, 0o600); err != nil {
		t.Fatal(err)
	}
	line := bytes.Count(badFile[:bytes.Index(badFile, []byte(`"telefono"`))], []byte("\n")) + 1
	code, _, stderr := runMain(t, env, "", "directory", "import", bad)
	if want := fmt.Sprintf("riga %d · centro «amaranta-bresso» · phones «telefono»: non è un numero di telefono", line); code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("bad import: %d %q, want %q", code, stderr, want)
	}
	code, _, stderr = runMain(t, env, "", "directory", "check", "--lang", "en", bad)
	if want := fmt.Sprintf("line %d · centre “amaranta-bresso” · phones «telefono»: it is not a phone number", line); code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("bad check in English: %d %q, want %q", code, stderr, want)
	}
	if code, _, _ := runMain(t, env, "", "directory", "check", "--lang", "xx", bad); code != 2 {
		t.Errorf("an unknown language must be a usage error")
	}
	if _, stdout, _ := runMain(t, env, "Bresso\n", "console"); !strings.Contains(stdout, "(nuova sede)") {
		t.Errorf("a rejected import changed the directory")
	}
}

// TestDirectoryImportKeepsCoarse: a file that gives a centre whose address
// is confidential its own coordinates is imported without them, the
// volunteer is told so in her language, and the export and the console
// show no more than the point of its comune.
func TestDirectoryImportKeepsCoarse(t *testing.T) {
	env := map[string]string{"FRONTDOOR_DATA": newDataDir(t)}
	code, raw, stderr := runMain(t, env, "", "directory", "export", "-")
	if code != 0 || !strings.Contains(raw, "lat = 44.9858\n") || !strings.Contains(raw, "lon = 10.4147\n") {
		t.Fatalf("export: %d %s\n%s", code, stderr, raw)
	}
	file := filepath.Join(t.TempDir(), "directory.toml")
	exact := strings.NewReplacer("lat = 44.9858\n", "lat = 44.9886\n", "lon = 10.4147\n", "lon = 10.4192\n").Replace(raw)
	if err := os.WriteFile(file, []byte(exact), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runMain(t, env, "", "directory", "import", "--lang", "en", file)
	if code != 0 || !strings.Contains(stdout, "No differences") ||
		!strings.Contains(stdout, "Centres with a confidential address keep only the position of their comune, not the coordinates in the file: ARCA Casalmaggiore.") {
		t.Errorf("import: %d %q %q", code, stdout, stderr)
	}
	if _, stdout, _ := runMain(t, env, "", "directory", "export", "-"); strings.Contains(stdout, "44.9886") || strings.Contains(stdout, "10.4192") {
		t.Errorf("the export holds the desk's own coordinates")
	}
	if _, stdout, _ := runMain(t, env, "44.99,10.41\n", "console"); !strings.Contains(stdout, "ARCA Casalmaggiore, Casalmaggiore —") {
		t.Errorf("the console shows a distance to the desk:\n%s", stdout)
	}
}

func TestAuditCommand(t *testing.T) {
	env := map[string]string{"FRONTDOOR_DATA": newDataDir(t), "FRONTDOOR_ADMINS": "1"}
	if code, stdout, _ := runMain(t, env, "", "audit"); code != 0 || !strings.Contains(stdout, "No changes recorded") {
		t.Fatalf("empty audit: %d %q", code, stdout)
	}
	// The console's user (chat 1) is an admin here: she edits Bresso's hours
	// (staff menu → centres → Bresso, the 7th button → hours, the 5th
	// button below her card).
	edit := strings.Join([]string{"/staff", "1", "7", "5", "lun 9-12", "1"}, "\n") + "\n"
	if code, stdout, _ := runMain(t, env, edit, "console"); code != 0 || !strings.Contains(stdout, "Salvato") {
		t.Fatalf("edit in the console: %d\n%s", code, stdout)
	}
	code, stdout, _ := runMain(t, env, "", "audit", "5")
	if code != 0 || !strings.Contains(stdout, "amaranta-bresso\thours") || !strings.Contains(stdout, "Mon 9:00–12:00") {
		t.Errorf("audit: %d %q", code, stdout)
	}
	if code, _, _ := runMain(t, env, "", "audit", "many"); code != 2 {
		t.Errorf("a bad count must be a usage error")
	}
}

func TestLoadtestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"loadtest", "-women", "0"},
		{"loadtest", "-duration", "1h"},
		{"loadtest", "-sessions", "100,many"},
		{"loadtest", "-nosuchflag"},
	} {
		if code, _, stderr := runMain(t, nil, "", args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, %q; want a usage error", args, code, stderr)
		}
	}
}
