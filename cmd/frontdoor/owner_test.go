package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"frontdoor/store"
)

// The bot's user, and another one, for TestFilesKeepTheirOwner: numeric
// ids with no account, so that the test adds none to the machine.
const (
	botUID   = 4242
	otherUID = 4343
)

// TestFilesKeepTheirOwner: restore and rekey run as root leave files the
// bot's user owns, mode 0600; run as another user they refuse, naming the
// user to run as. It needs root (to own files as other users).
func TestFilesKeepTheirOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files to other users; as another user, the data directory's mode keeps her out anyway")
	}
	base, err := os.MkdirTemp("", "frontdoor-owner-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	os.Chmod(base, 0o755) // the other user must reach the data directory to be told whose it is
	dir := filepath.Join(base, "data")
	os.Mkdir(dir, 0o700)
	if err := openDataStore(t, dir).Close(); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(base, "backup.db")
	env := map[string]string{"FRONTDOOR_DATA": dir}
	if code, _, stderr := runMain(t, env, "", "backup", backup); code != 0 {
		t.Fatalf("backup: %d %s", code, stderr)
	}
	chownAll(t, dir, botUID)

	if code, _, stderr := runMain(t, env, "", "restore", backup); code != 0 {
		t.Fatalf("restore as root: %d %s", code, stderr)
	}
	if code, stdout, stderr := runMain(t, env, "", "rekey"); code != 0 {
		t.Fatalf("rekey as root: %d %s %s", code, stdout, stderr)
	}
	for _, name := range []string{"frontdoor.db", "frontdoor.db.before-restore", store.KeyFile, store.PreviousKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != botUID || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s belongs to %d with mode %v, want %d and 0600", name, st.Uid, fi.Mode().Perm(), botUID)
		}
	}

	bin := filepath.Join(base, "frontdoor")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"restore", backup}, {"rekey"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"FRONTDOOR_DATA=" + dir, "PATH=/usr/bin:/bin"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: otherUID, Gid: otherUID}}
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "sudo -u 4242") || !strings.Contains(string(out), dir) {
			t.Errorf("%v as another user: %v %s; want a refusal naming the user to run as", args, err, out)
		}
	}
}

// chownAll gives a directory and its files to uid.
func chownAll(t *testing.T, dir string, uid int) {
	t.Helper()
	err := filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, uid)
	})
	if err != nil {
		t.Fatal(err)
	}
}
