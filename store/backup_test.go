package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontdoor/flows"
)

// TestBackupDuringWrites takes backups while chats keep saving sessions and
// checks that each backup opens and holds every session committed before it
// began.
func TestBackupDuringWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest(t, filepath.Join(dir, "frontdoor.db"), testKey(1), Options{NoSync: true})
	var committed atomic.Int64 // chats 1..committed are durably saved
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for chat := int64(1); ; chat++ {
			select {
			case <-stop:
				return
			default:
			}
			s := flows.Session{State: "menu", LastUpdate: chat, Seen: time.Now()}
			if err := db.SaveSession(ctx, chat, s, time.Now().Add(time.Hour)); err != nil {
				t.Errorf("SaveSession: %v", err)
				return
			}
			committed.Store(chat)
		}
	})
	for i := range 5 {
		for committed.Load() < int64(50*(i+1)) {
			time.Sleep(time.Millisecond)
		}
		before := committed.Load()
		path := filepath.Join(dir, "backup.db")
		if err := db.BackupFile(ctx, path); err != nil {
			t.Fatalf("BackupFile: %v", err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup file mode: %v %v, want 0600", fi.Mode(), err)
		}
		b := openTest(t, path, testKey(1), Options{})
		for chat := int64(1); chat <= before; chat++ {
			s, found, err := b.Session(ctx, chat)
			if err != nil || !found || s.LastUpdate != chat {
				t.Fatalf("backup %d: session of chat %d = %+v, %v, %v; want it (committed before the backup)", i, chat, s, found, err)
			}
		}
		b.Close()
	}
	close(stop)
	wg.Wait()
}

func TestBackupIsSealed(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	const phone = "+393471234567"
	s := flows.Session{State: "callback.confirm", Town: "Casalmaggiore", Data: map[string]string{"phone": phone}, Seen: time.Now()}
	if err := db.SaveSession(ctx, 4242424242, s, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := db.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	for _, planted := range []string{phone, "3471234567", "Casalmaggiore", "4242424242", "callback.confirm"} {
		if bytes.Contains(buf.Bytes(), []byte(planted)) {
			t.Errorf("the backup holds %q in clear", planted)
		}
	}
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "frontdoor.db")
	db := openTest(t, live, testKey(1), Options{})
	if err := db.SaveSession(ctx, 1, flows.Session{State: "old", Seen: time.Now()}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.BackupFile(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSession(ctx, 1, flows.Session{State: "new", Seen: time.Now()}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	if _, err := Restore(live, backup, testKey(1)); !errors.Is(err, ErrLocked) {
		t.Errorf("Restore while the store is open: %v, want ErrLocked", err)
	}
	db.Close()
	if _, err := Restore(live, backup, testKey(2)); !errors.Is(err, ErrBackupKey) {
		t.Errorf("Restore with another key: %v, want ErrBackupKey", err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("not a database"), 0o600)
	if _, err := Restore(live, garbage, testKey(1)); err == nil {
		t.Error("Restore of a file that is not a store succeeded")
	}
	if resealed, err := Restore(live, backup, testKey(1)); err != nil || resealed {
		t.Fatalf("Restore: %v (resealed %v)", err, resealed)
	}
	db = openTest(t, live, testKey(1), Options{})
	if s, _, err := db.Session(ctx, 1); err != nil || s.State != "old" {
		t.Errorf("after restore: %+v, %v; want the backed-up session", s, err)
	}
	db.Close()
	prev := openTest(t, live+".before-restore", testKey(1), Options{})
	if s, _, err := prev.Session(ctx, 1); err != nil || s.State != "new" {
		t.Errorf("the replaced file: %+v, %v; want it kept", s, err)
	}
}

// A backup made before a rekey is sealed under the previous key: restored
// with that key among the older ones, it is sealed under the current key.
func TestRestoreOlderKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "frontdoor.db")
	db := openTest(t, live, testKey(1), Options{})
	if err := db.SaveSession(ctx, 1, flows.Session{State: "old", Seen: time.Now()}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.BackupFile(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Rekey(live, testKey(1), testKey(2), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(live, backup, testKey(2), testKey(3)); !errors.Is(err, ErrBackupKey) {
		t.Fatalf("restore without the right older key: %v, want ErrBackupKey", err)
	}
	if resealed, err := Restore(live, backup, testKey(2), testKey(3), testKey(1)); err != nil || !resealed {
		t.Fatalf("restore with the older key: %v (resealed %v)", err, resealed)
	}
	db = openTest(t, live, testKey(2), Options{})
	defer db.Close()
	if s, _, err := db.Session(ctx, 1); err != nil || s.State != "old" {
		t.Errorf("after restore: %+v, %v; want the backed-up session under the current key", s, err)
	}
	if fi, err := os.Stat(live); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("restored file: %v %v, want mode 0600", fi, err)
	}
}

func TestRunBackupsKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC).Unix())
	db := openTest(t, filepath.Join(dir, "frontdoor.db"), testKey(1), Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	bdir := filepath.Join(dir, "backups")
	os.MkdirAll(bdir, 0o700)
	os.WriteFile(filepath.Join(bdir, "notes.txt"), []byte("mine"), 0o600)
	for range 5 {
		if err := db.periodicBackup(context.Background(), bdir, 3); err != nil {
			t.Fatal(err)
		}
		now.Add(3600)
	}
	entries, _ := os.ReadDir(bdir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"frontdoor-20261122T030000Z.db", "frontdoor-20261122T040000Z.db", "frontdoor-20261122T050000Z.db", "notes.txt"}
	if !slices.Equal(names, want) {
		t.Errorf("backup directory = %v, want %v", names, want)
	}
}

// TestRunBackupsWaitsForTheNewest: a restart soon after a backup does not
// write another one at once; one that is overdue is written at start.
func TestRunBackupsWaitsForTheNewest(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lastAgo time.Duration
		want    int
	}{
		{"recent backup", time.Minute, 1},
		{"overdue backup", 2 * time.Hour, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
			db := openTest(t, filepath.Join(dir, "frontdoor.db"), testKey(1), Options{Now: func() time.Time { return now }})
			bdir := filepath.Join(dir, "backups")
			os.MkdirAll(bdir, 0o700)
			os.WriteFile(filepath.Join(bdir, "frontdoor-"+now.Add(-tc.lastAgo).Format("20060102T150405Z")+".db"), nil, 0o600)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			db.RunBackups(ctx, bdir, time.Hour, 5, nil)
			if names, _ := backupNames(bdir); len(names) != tc.want {
				t.Errorf("backups %v, want %d", names, tc.want)
			}
		})
	}
}
