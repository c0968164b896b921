package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"frontdoor/bot/ops"
	"frontdoor/bot/telegramtest"
)

// TestStoreCommandsBothWays runs every command that works on the store on
// a running bot (through its control socket) and on a stopped one (on the
// store itself), from the same state: outputs, exit statuses and the files
// they write are the same.
func TestStoreCommandsBothWays(t *testing.T) {
	api := telegramtest.New(t, testToken)
	running, stopped := newDataDir(t), newDataDir(t)
	startBot(t, api, running)
	waitSocket(t, running)

	edited := filepath.Join(t.TempDir(), "edited.toml")
	script := [][]string{
		{"operators", "list"},
		{"operators", "add", "--centre", "arca-crema", "--chat", "5", "--on-call"},
		{"operators", "add", "--centre", "nowhere", "--chat", "6"},
		{"operators", "list"},
		{"operators", "remove", "--chat", "5"},
		{"operators", "remove", "--chat", "5"},
		{"directory", "export", "OUT/directory.toml"},
		{"directory", "export", "-"},
		{"edit"}, // the volunteer edits the exported file
		{"directory", "check", edited},
		{"directory", "import", edited},
		{"directory", "import", "OUT/missing.toml"},
		{"audit", "3"},
		{"audit", "many"},
		{"stats", "--from", "2026-01", "--to", "2026-02"},
		{"stats", "--csv"},
		{"stats", "--png", "OUT/chart.png"},
		{"stats", "--from", "2027-13"},
		{"backup", "OUT/backup.db"},
		{"poster", "--bot", "fake_test_bot", "arca", "OUT/poster.png"},
		{"poster", "--bot", "fake_test_bot", "nowhere", "OUT/poster2.png"},
		{"stats", "--to", "2999-01"},
	}
	type result struct {
		code           int
		stdout, stderr string
	}
	runScript := func(dataDir string) ([]result, string) {
		out := t.TempDir()
		env := map[string]string{"FRONTDOOR_DATA": dataDir}
		var results []result
		for _, line := range script {
			if line[0] == "edit" {
				raw, err := os.ReadFile(filepath.Join(out, "directory.toml"))
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(edited, bytes.Replace(raw, []byte(`name = "Donne Insieme – Bresso"`), []byte(`name = "Donne Insieme – Bresso (nuova sede)"`), 1), 0o600)
				results = append(results, result{})
				continue
			}
			args := make([]string, len(line))
			for i, a := range line {
				args[i] = strings.Replace(a, "OUT", out, 1)
			}
			code, stdout, stderr := runMain(t, env, "", args...)
			norm := func(s string) string {
				s = strings.ReplaceAll(strings.ReplaceAll(s, out, "OUT"), dataDir, "DATA")
				return auditTime.ReplaceAllString(s, "TIME")
			}
			results = append(results, result{code, norm(stdout), norm(stderr)})
		}
		return results, out
	}
	viaBot, outBot := runScript(running)
	direct, outDirect := runScript(stopped)
	for i, line := range script {
		if viaBot[i] != direct[i] {
			t.Errorf("%v:\nthrough the bot: %d %q %q\non the store:    %d %q %q", line, viaBot[i].code, viaBot[i].stdout, viaBot[i].stderr,
				direct[i].code, direct[i].stdout, direct[i].stderr)
		}
	}
	for _, want := range []struct {
		step int
		code int
		out  string
	}{
		{0, 0, "No operator chats"}, {1, 0, "Chat 5 now receives"}, {2, 1, `no centre with id "nowhere"`}, {3, 0, "5\tarca-crema\ton call"},
		{5, 1, "not an operator chat"}, {7, 0, `id = "arca-crema"`}, {9, 0, "~ amaranta-bresso"}, {10, 0, "Imported 2 networks, 5 centres"},
		{11, 1, "missing.toml"}, {12, 0, "import changed"}, {13, 2, "not a number"}, {14, 0, "Nothing to show"}, {16, 0, ""},
		{17, 2, "not a span of months"}, {18, 0, "Backup written"}, {19, 0, "Poster for arca"}, {20, 1, `no network "nowhere"`},
		{21, 2, "2999-01 has not ended"},
	} {
		if got := viaBot[want.step]; got.code != want.code || !strings.Contains(got.stdout+got.stderr, want.out) {
			t.Errorf("%v: %d %q %q, want %d and %q", script[want.step], got.code, got.stdout, got.stderr, want.code, want.out)
		}
	}
	for _, f := range []string{"directory.toml", "chart.png", "poster.png"} {
		a, errA := os.ReadFile(filepath.Join(outBot, f))
		b, errB := os.ReadFile(filepath.Join(outDirect, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs: %d bytes through the bot, %d on the store (%v, %v)", f, len(a), len(b), errA, errB)
		}
	}
	if fi, err := os.Stat(filepath.Join(outBot, "backup.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup through the bot: %v %v, want mode 0600", fi, err)
	}
	// The running bot uses the imported directory at once.
	api.Command(9, "it", "start", "")
	waitChat(t, api, 9, 1)
	api.Text(9, "it", "Bresso")
	var texts []string
	for _, m := range waitChat(t, api, 9, 2) {
		texts = append(texts, m.Text)
	}
	if !strings.Contains(strings.Join(texts, "\n"), "(nuova sede)") {
		t.Errorf("the running bot still shows the old directory: %q", texts)
	}
}

// auditTime is the minute an audit line was written: the two runs may
// fall on either side of a minute.
var auditTime = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`)

// waitSocket waits for the bot's control socket to answer.
func waitSocket(t *testing.T, dataDir string) {
	t.Helper()
	for range 200 {
		code, _, _ := runMain(t, map[string]string{"FRONTDOOR_DATA": dataDir}, "", "operators", "list")
		if _, err := os.Stat(filepath.Join(dataDir, ops.SocketName)); err == nil && code == 0 {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the control socket did not answer")
}

// TestReadOnlyCommandsCreateNothing: on a data directory without a store,
// every command that works on one fails naming the path, and leaves the
// directory as it was (or absent).
func TestReadOnlyCommandsCreateNothing(t *testing.T) {
	for _, args := range [][]string{
		{"operators", "list"}, {"operators", "add", "--centre", "arca-crema", "--chat", "5"}, {"operators", "remove", "--chat", "5"},
		{"stats"}, {"audit"}, {"directory", "export", "-"}, {"directory", "check", "x.toml"}, {"directory", "import", "x.toml"},
		{"backup", filepath.Join(t.TempDir(), "b.db")}, {"poster", "--bot", "fake_test_bot", "arca", filepath.Join(t.TempDir(), "p.png")},
		{"rekey"}, {"restore", "x.db"},
	} {
		for _, exists := range []bool{true, false} {
			dir := filepath.Join(t.TempDir(), "data")
			if exists {
				os.Mkdir(dir, 0o700)
			}
			code, _, stderr := runMain(t, map[string]string{"FRONTDOOR_DATA": dir}, "", args...)
			if code != 1 || !strings.Contains(stderr, dir) {
				t.Errorf("%v (directory there: %v): %d %q, want 1 and the path", args, exists, code, stderr)
			}
			entries, err := os.ReadDir(dir)
			if exists && (err != nil || len(entries) > 0) || !exists && err == nil {
				t.Errorf("%v (directory there: %v) left %v (%v)", args, exists, entries, err)
			}
		}
	}
}

// TestConsoleCreatesAndSaysSo: the console makes the key and the store at
// its first start and says so once.
func TestConsoleCreatesAndSaysSo(t *testing.T) {
	env := map[string]string{"FRONTDOOR_DATA": filepath.Join(t.TempDir(), "data")}
	_, _, first := runMain(t, env, "", "console")
	_, _, second := runMain(t, env, "", "console")
	for _, want := range []string{"created a new data key", "created a new, empty store"} {
		if strings.Count(first, want) != 1 || strings.Contains(second, want) {
			t.Errorf("%q: first start %q, second %q; want it once, at the first", want, first, second)
		}
	}
}

// TestHelpDoesNothing: -h or --help, anywhere on a command's line, prints
// its help and changes nothing; --version prints the build.
func TestHelpDoesNothing(t *testing.T) {
	dir := newDataDir(t)
	before := snapshot(t, dir)
	env := map[string]string{"FRONTDOOR_DATA": dir, "FRONTDOOR_CONFIG": filepath.Join(dir, "broken.toml")}
	for _, args := range [][]string{
		{"rekey", "--help"}, {"rekey", "-h"}, {"restore", "--help"}, {"restore", "backup.db", "--help"}, {"backup", "x.db", "-h"},
		{"operators", "add", "--chat", "5", "--help"}, {"operators", "--help"}, {"directory", "import", "x.toml", "--help"},
		{"stats", "--help"}, {"audit", "-h"}, {"poster", "--help"}, {"console", "--help"}, {"healthcheck", "--help"},
		{"config", "--help"}, {"loadtest", "-h"}, {"--help"},
	} {
		code, stdout, stderr := runMain(t, env, "", args...)
		if code != 0 || (!strings.Contains(stdout, "Usage") && !strings.Contains(stderr, "Usage")) {
			t.Errorf("%v: %d %q %q, want 0 and the help", args, code, stdout, stderr)
		}
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("--help changed the data directory:\n%s\nthen\n%s", before, after)
	}
	if code, stdout, _ := runMain(t, nil, "", "--version"); code != 0 || !strings.HasPrefix(stdout, "frontdoor ") || !strings.Contains(stdout, "go1.") {
		t.Errorf("--version: %d %q", code, stdout)
	}
	for _, args := range [][]string{{"rekey", "now"}, {"restore"}, {"operators", "frobnicate"}, {"backup"}, {"healthcheck", "x"}} {
		if code, _, stderr := runMain(t, env, "", args...); code != 2 || !strings.Contains(stderr, "usage") {
			t.Errorf("%v: %d %q, want 2 and the usage", args, code, stderr)
		}
	}
}

// snapshot lists a directory's files with their sizes and times.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fi, _ := e.Info()
		b.WriteString(e.Name() + " " + fi.ModTime().String() + " " + fi.Mode().String() + "\n")
	}
	return b.String()
}
