package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
	"frontdoor/store/storetest"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func openTest(t testing.TB, path string, key []byte, opts Options) *DB {
	t.Helper()
	db, err := Open(path, key, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// freshDB opens a new store in a temporary directory under testKey(1).
func freshDB(t testing.TB) *DB {
	t.Helper()
	return openTest(t, filepath.Join(t.TempDir(), "frontdoor.db"), testKey(1), Options{})
}

// checkModes fails t for each path whose permissions are not the wanted ones.
func checkModes(t *testing.T, modes map[string]os.FileMode) {
	t.Helper()
	for p, want := range modes {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", p, got, want)
		}
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return freshDB(t)
	})
}

// TestSingleCommitConformance: the load test's comparison store, one
// commit per write, behaves the same.
func TestSingleCommitConformance(t *testing.T) {
	open := func(t *testing.T) *DB {
		return openTest(t, filepath.Join(t.TempDir(), "frontdoor.db"), testKey(1), Options{SingleCommit: true})
	}
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
	storetest.RunCallbacks(t, func(t *testing.T) storetest.CallbackStore { return open(t) })
}

func TestShelfConformance(t *testing.T) {
	storetest.RunShelf(t, func(t *testing.T) storetest.ShelfStore { return freshDB(t) })
}

// TestShelfSwept: a message kept for a web visitor who never came back is
// deleted once its time is over, and the sweep of the sessions leaves it
// alone until then.
func TestShelfSwept(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	at := time.Now()
	must(t, db.Shelve(ctx, flows.Outgoing{ID: "1", Chat: 5, Hers: true}, at.Add(flows.HersVisibleFor)))
	must(t, db.Shelve(ctx, flows.Outgoing{ID: "2", Chat: 6, Hers: true}, at.Add(2*flows.HersVisibleFor)))
	if n, err := db.Sweep(ctx, at.Add(3*flows.HersVisibleFor)); err != nil || n != 0 {
		t.Fatalf("the sweep of sessions: %d %v", n, err)
	}
	if n, err := db.SweepShelf(ctx, at.Add(flows.HersVisibleFor+time.Second)); err != nil || n != 1 {
		t.Fatalf("SweepShelf = %d, %v; want the one message whose time is over", n, err)
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket([]byte(bucketShelf)).Stats().KeyN; n != 1 {
			t.Errorf("%d visitors' messages left, want 1", n)
		}
		return nil
	})
	must(t, err)
	if kept, err := db.TakeShelf(ctx, 6, at); err != nil || len(kept) != 1 {
		t.Errorf("the message still standing: %+v %v", kept, err)
	}
}

func TestTrailConformance(t *testing.T) {
	storetest.RunTrail(t, func(t *testing.T) storetest.TrailStore {
		return freshDB(t)
	})
}

// Nothing a woman typed, nor her chat id, may be readable in the file.
func TestNoPlaintextAtRest(t *testing.T) {
	const (
		chat  = int64(987654321987)
		town  = "Casalbuttano ed Uniti"
		phone = "+393471234567"
	)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db, err := Open(path, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := flows.Session{State: "callback.confirm", Town: town, Data: map[string]string{"phone": phone}, Seen: time.Now()}
	// Several versions, and one that expires and is swept, so freed pages
	// with old values are in the file too.
	for i := range 3 {
		s.LastUpdate = int64(i)
		if err := db.SaveSession(ctx, chat, s, time.Now().Add(time.Duration(i+1)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveSession(ctx, chat+1, s, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Sweep(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v", n, err)
	}
	// The wipe trail keeps the raw chat id, sealed.
	if err := db.Track(ctx, chat, []int{1, 2}, time.Now(), time.Now().Add(time.Hour), true); err != nil {
		t.Fatal(err)
	}
	// So does the shelf of the web door, with a message that names her
	// town.
	kept := flows.Outgoing{ID: "1", Chat: chat, Lang: "it", Hers: true, Reply: flows.Reply{Texts: []flows.Text{flows.Raw(town)}}}
	if err := db.Shelve(ctx, kept, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(chat))
	var id1 [8]byte
	binary.BigEndian.PutUint64(id1[:], uint64(chat+1))
	for name, needle := range map[string][]byte{
		"town":               []byte(town),
		"town lower case":    []byte(strings.ToLower(town)),
		"phone":              []byte(phone),
		"phone digits":       []byte("3471234567"),
		"chat id (binary)":   id[:],
		"chat id (decimal)":  []byte(strconv.FormatInt(chat, 10)),
		"swept id (binary)":  id1[:],
		"swept id (decimal)": []byte(strconv.FormatInt(chat+1, 10)),
		"state":              []byte("callback.confirm"),
	} {
		if bytes.Contains(raw, needle) {
			t.Errorf("the store file contains the %s in clear", name)
		}
	}
	// The session is still there for the right key.
	db = openTest(t, path, testKey(1), Options{})
	got, found, err := db.Session(ctx, chat)
	if err != nil || !found || got.Town != town {
		t.Fatalf("reopened: %+v found=%v err=%v", got, found, err)
	}
}

// A sealed record copied under another chat's key must not open as hers.
func TestMovedRecordFailsToOpen(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	exp := time.Now().Add(time.Hour)
	if err := db.SaveSession(ctx, 1, flows.Session{State: "a"}, exp); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSession(ctx, 2, flows.Session{State: "b"}, exp); err != nil {
		t.Fatal(err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketSessions))
		v := append([]byte(nil), b.Get(db.seal.chatKey(1))...)
		return b.Put(db.seal.chatKey(2), v)
	})
	if err != nil {
		t.Fatal(err)
	}
	s, found, err := db.Session(ctx, 2)
	if !errors.Is(err, errOpen) || found || s.State != "" {
		t.Fatalf("moved record: %+v found=%v err=%v; want an open error", s, found, err)
	}
	if !strings.HasPrefix(err.Error(), "load session: ") {
		t.Errorf("error %q does not name the operation", err)
	}
}

func TestSealBindsBucketAndKey(t *testing.T) {
	s, err := newSealer(testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	key := s.chatKey(42)
	sealed, err := s.seal(bucketSessions, key, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := s.open(bucketSessions, key, sealed); err != nil || string(pt) != "hello" {
		t.Fatalf("open = %q, %v", pt, err)
	}
	other, _ := newSealer(testKey(2))
	flipped := append([]byte(nil), sealed...)
	flipped[len(flipped)-1] ^= 1
	for name, try := range map[string]func() ([]byte, error){
		"other bucket":     func() ([]byte, error) { return s.open("callbacks", key, sealed) },
		"other record key": func() ([]byte, error) { return s.open(bucketSessions, s.chatKey(43), sealed) },
		"other master key": func() ([]byte, error) { return other.open(bucketSessions, key, sealed) },
		"flipped bit":      func() ([]byte, error) { return s.open(bucketSessions, key, flipped) },
		"truncated":        func() ([]byte, error) { return s.open(bucketSessions, key, sealed[:10]) },
		// Bucket and key are separated, so "sessions"+"\x00k" differs from "sessions\x00"+"k".
		"shifted boundary": func() ([]byte, error) { return s.open(bucketSessions+"\x00"+string(key[:1]), key[1:], sealed) },
	} {
		if pt, err := try(); !errors.Is(err, errOpen) || pt != nil {
			t.Errorf("%s: open = %q, %v; want errOpen", name, pt, err)
		}
	}
	if bytes.Equal(s.chatKey(42), other.chatKey(42)) {
		t.Error("record keys do not depend on the master key")
	}
	if _, err := newSealer(testKey(1)[:16]); err == nil {
		t.Error("a 16-byte master key was accepted")
	}
}

// A store opened with another key fails at Open, and its records do not
// open under that key: an error, never garbage or an empty session.
func TestWrongKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db, err := Open(path, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSession(ctx, 7, flows.Session{State: "menu"}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	key := db.seal.chatKey(7)
	db.bolt.View(func(tx *bolt.Tx) error {
		sealed = append([]byte(nil), tx.Bucket([]byte(bucketSessions)).Get(key)[8:]...)
		return nil
	})
	db.Close()

	_, err = Open(path, testKey(2), Options{})
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with another key: err = %v, want ErrWrongKey", err)
	}
	if want := "store " + path + " was created with a different key (FRONTDOOR_KEY or frontdoor.key changed)"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	other, _ := newSealer(testKey(2))
	if pt, err := other.open(bucketSessions, key, sealed); err == nil || pt != nil {
		t.Errorf("record opened under another key: %q, %v", pt, err)
	}
	// The right key still works after the failed attempt.
	db = openTest(t, path, testKey(1), Options{})
	if _, found, err := db.Session(ctx, 7); err != nil || !found {
		t.Fatalf("right key after wrong one: found=%v err=%v", found, err)
	}
}

func TestLockedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	openTest(t, path, testKey(1), Options{})
	start := time.Now()
	db2, err := Open(path, testKey(1), Options{})
	took := time.Since(start)
	if err == nil {
		db2.Close()
		t.Fatal("second Open of a locked store succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("err = %v, want ErrLocked", err)
	}
	if want := "store " + path + " is locked by another process"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if took < 900*time.Millisecond || took > 3*time.Second {
		t.Errorf("second Open took %v, want about the 1 s timeout", took)
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	path := filepath.Join(dir, "frontdoor.db")
	openTest(t, path, testKey(1), Options{})
	checkModes(t, map[string]os.FileMode{path: 0o600, dir: 0o700})
}

func TestOpenNarrowsFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db := openTest(t, path, testKey(1), Options{})
	db.Close()
	os.Chmod(path, 0o644)
	openTest(t, path, testKey(1), Options{})
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after reopen: %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

func TestOpenUnusableDirectory(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "data")
	_, err := Open(filepath.Join(dir, "frontdoor.db"), testKey(1), Options{})
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Open under a file: err = %v, want one naming %s", err, dir)
	}

	if os.Geteuid() == 0 {
		t.Skip("root can write anywhere: the read-only directory case cannot be tested")
	}
	ro := filepath.Join(base, "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	_, err = Open(filepath.Join(ro, "frontdoor.db"), testKey(1), Options{})
	if err == nil || !strings.Contains(err.Error(), "directory "+ro) {
		t.Errorf("Open in a read-only directory: err = %v, want one naming the directory %s", err, ro)
	}
}

func TestOpenRejectsNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db, err := Open(path, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.bolt.Update(func(tx *bolt.Tx) error {
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], SchemaVersion+1)
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(keySchema), v[:])
	})
	db.Close()
	if _, err := Open(path, testKey(1), Options{}); err == nil || !strings.Contains(err.Error(), "schema version") {
		t.Fatalf("Open of a newer schema: err = %v", err)
	}
}

// Expiry follows Options.Now, and is kept in whole seconds rounded up: a
// session never expires before the time it was saved with.
func TestExpiryClock(t *testing.T) {
	ctx := context.Background()
	var now atomic.Pointer[time.Time]
	set := func(t time.Time) { now.Store(&t) }
	base := time.Date(2025, 3, 8, 10, 0, 0, 0, time.UTC)
	set(base)
	db := openTest(t, filepath.Join(t.TempDir(), "frontdoor.db"), testKey(1), Options{Now: func() time.Time { return *now.Load() }})
	if err := db.SaveSession(ctx, 1, flows.Session{}, base.Add(10*time.Second+time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at    time.Duration
		found bool
	}{{0, true}, {10 * time.Second, true}, {10*time.Second + 999*time.Millisecond, true}, {11 * time.Second, false}} {
		set(base.Add(c.at))
		if _, found, err := db.Session(ctx, 1); err != nil || found != c.found {
			t.Errorf("at +%v: found=%v err=%v, want found=%v", c.at, found, err, c.found)
		}
	}
}

// Sweeps larger than one transaction's bound remove everything.
func TestSweepManyTransactions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "frontdoor.db"), testKey(1), Options{NoSync: true})
	const n = 2*sweepBatch + 17
	exp := time.Now().Add(-time.Minute)
	var wg sync.WaitGroup
	for w := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chat := w; chat < n; chat += 50 {
				if err := db.SaveSession(ctx, int64(chat), flows.Session{}, exp); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := db.SaveSession(ctx, n, flows.Session{}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := db.Sweep(ctx, time.Now())
	if err != nil || got != n {
		t.Fatalf("Sweep = %d, %v; want %d", got, err, n)
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		if k := tx.Bucket([]byte(bucketSessions)).Stats().KeyN; k != 1 {
			t.Errorf("%d sessions left, want 1", k)
		}
		if k := tx.Bucket([]byte(bucketSessionExpiry)).Stats().KeyN; k != 1 {
			t.Errorf("%d index entries left, want 1", k)
		}
		return nil
	})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Sweep(cctx, time.Now()); !errors.Is(err, context.Canceled) {
		t.Errorf("Sweep with a cancelled context: %v", err)
	}
}

func TestRunSweeperLogsOnlyCounts(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	const chat = 555123456789
	if err := db.SaveSession(ctx, chat, flows.Session{Town: "Casalbuttano ed Uniti"}, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&lockedWriter{mu: &mu, w: &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { db.RunSweeper(sctx, 10*time.Millisecond, log); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		out := buf.String()
		mu.Unlock()
		if strings.Contains(out, `"event":"sessions_swept"`) {
			if !strings.Contains(out, `"count":1`) {
				t.Errorf("log %s lacks the count", out)
			}
			if strings.Contains(out, strconv.Itoa(chat)) || strings.Contains(out, "Casalbuttano") {
				t.Errorf("log %s names the chat", out)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sweep logged; log: %s", out)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("RunSweeper did not stop when its context was cancelled")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestCallbackConformance(t *testing.T) {
	storetest.RunCallbacks(t, func(t *testing.T) storetest.CallbackStore {
		return freshDB(t)
	})
}

// Her number, her words and the chats of her and of operators are sealed
// in callbacks, operators and the outbox alike.
func TestCallbacksSealedAtRest(t *testing.T) {
	const (
		her      = int64(987654321987)
		operator = int64(-1009876543210)
		phone    = "+393471234567"
		words    = "Sono la cugina di Parma"
	)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db, err := Open(path, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveOperator(ctx, flows.Operator{Chat: operator, Centre: "c1"}); err != nil {
		t.Fatal(err)
	}
	cb := flows.Callback{Ticket: "ABC234", Chat: her, Phone: phone, Say: "own", SayOwn: words, Network: "n1"}
	number := flows.Outgoing{Chat: operator, Reply: flows.Reply{Texts: []flows.Text{flows.T("op.number.phone", "Phone", phone)}}}
	if err := db.Apply(ctx, flows.Change{Put: []flows.Callback{cb}, Send: []flows.Outgoing{number}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{phone, "3471234567", words, strconv.FormatInt(her, 10), strconv.FormatInt(operator, 10)} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the file contains %q", secret)
		}
	}
	for _, chat := range []int64{her, operator} {
		var id [8]byte
		binary.BigEndian.PutUint64(id[:], uint64(chat))
		if bytes.Contains(raw, id[:]) {
			t.Errorf("the file contains chat %d as bytes", chat)
		}
	}
}

// TestCallbackIndexBuiltForOldStore: a store written before the index of
// requests by chat gets it at the next open, so she still finds hers.
func TestCallbackIndexBuiltForOldStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db := openTest(t, path, testKey(1), Options{})
	must(t, db.Apply(ctx, flows.Change{Put: []flows.Callback{{Ticket: "T1", Chat: 5}, {Ticket: "T2", Chat: 6}}}))
	must(t, db.bolt.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte(bucketCallbackChats)) }))
	must(t, db.Close())
	db = openTest(t, path, testKey(1), Options{})
	for chat, ticket := range map[int64]string{5: "T1", 6: "T2"} {
		if cb, found, err := db.CallbackOf(ctx, chat); !found || err != nil || cb.Ticket != ticket {
			t.Errorf("chat %d after reopening: %+v %v %v", chat, cb, found, err)
		}
	}
}

// TestTrailForms: a trail is stored compactly and read back the same;
// one written as JSON by an older version is still read; a damaged one is
// an error, not a panic.
func TestTrailForms(t *testing.T) {
	rec := trailRecord{Chat: -1001234567890, Idle: true, Msgs: [][2]int64{{1, 1_800_000_000}, {2, 1_800_000_000}, {70000, 1_799_999_990}, {70001, 1_800_100_000}}}
	got, err := decodeTrail(rec.encode())
	if err != nil || !reflect.DeepEqual(got, rec) {
		t.Errorf("compact form read back as %+v, %v; want %+v", got, err, rec)
	}
	if got, err := decodeTrail([]byte(`{"c":42,"m":[[7,1800000000]],"w":true}`)); err != nil || got.Chat != 42 || !got.Idle || len(got.Msgs) != 1 || got.Msgs[0] != [2]int64{7, 1_800_000_000} {
		t.Errorf("JSON form read as %+v, %v", got, err)
	}
	b := rec.encode()
	for n := range len(b) {
		if _, err := decodeTrail(b[:n]); err == nil {
			t.Errorf("a record cut to %d of %d bytes was read", n, len(b))
		}
	}
	if _, err := decodeTrail([]byte{trailCompact, 2, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}); err == nil {
		t.Error("a record claiming millions of messages was read")
	}

	// Through the store: a record sealed in the JSON form is still taken.
	ctx := context.Background()
	db := freshDB(t)
	key := db.seal.chatKey(42)
	exp := expirySeconds(time.Now().Add(time.Hour))
	val, err := db.seal.sealTimed(bucketTrail, key, exp, []byte(`{"c":42,"m":[[7,1800000000],[8,1800000001]]}`))
	must(t, err)
	must(t, db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket([]byte(bucketTrail)).Put(key, val); err != nil {
			return err
		}
		return db.seal.putDue(tx, bucketTrailDue, key, exp)
	}))
	must(t, db.Track(ctx, 42, []int{9}, time.Unix(1_800_000_002, 0), time.Now().Add(time.Hour), true))
	tr, found, err := db.TakeTrail(ctx, 42, time.Time{})
	if err != nil || !found || len(tr.Messages) != 3 || tr.Messages[0].ID != 7 || tr.Messages[2].ID != 9 {
		t.Errorf("older trail after one more message: %+v, %v, %v", tr, found, err)
	}
}

// A command that only reads or changes a store never creates one: a wrong
// data directory is an error naming the path, and nothing is left there.
func TestOpenMustExist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "frontdoor.db")
	_, err := Open(path, bytes.Repeat([]byte{1}, KeySize), Options{MustExist: true})
	if !errors.Is(err, ErrNoStore) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want ErrNoStore naming %s", err, path)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Error("Open with MustExist created the data directory")
	}
}
