package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
	"frontdoor/flows/directory"
)

// TestRekey: after a rekey the new key opens everything and the old one
// opens nothing; record keys are derived again, expiry indexes still work.
func TestRekey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db, err := Open(path, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour)
	must(t, db.SaveSession(ctx, 1, flows.Session{State: "menu", Town: "Crema"}, exp))
	must(t, db.SaveSession(ctx, -2, flows.Session{State: "find", Lang: "en"}, exp))
	must(t, db.Track(ctx, 3, []int{7, 8}, time.Now(), exp, true))
	must(t, db.Shelve(ctx, flows.Outgoing{ID: "4", Chat: 6, Lang: "it", Hers: true}, exp))
	must(t, db.SaveDirectory(ctx, directory.Data{Sample: true}))
	grant := flows.Grant{Role: flows.RoleAdmin}
	must(t, db.SaveStaff(ctx, 9, flows.Staff{Pseudonym: "s1", Grants: []flows.Grant{grant}}))
	must(t, db.SaveInvite(ctx, flows.Invite{Code: "abc", Grant: grant, Expires: exp}))
	must(t, db.AppendAudit(ctx, flows.AuditEntry{At: time.Now(), Who: "s1", Field: "hours"}))
	count := flows.Count{Month: "2027-01", Network: "n1", Centre: "c1", Lang: "it", Name: flows.CountRequested}
	must(t, db.Apply(ctx, flows.Change{Put: []flows.Callback{{Ticket: "T1", Chat: 5, Centre: "c1"}}, Count: []flows.Count{count}}))
	// A session written before chat ids were sealed with sessions.
	legacy, _ := json.Marshal(flows.Session{State: "menu"})
	must(t, db.bolt.Update(func(tx *bolt.Tx) error {
		k := db.seal.chatKey(4)
		sealed, err := db.seal.seal(bucketSessions, k, legacy)
		if err != nil {
			return err
		}
		return tx.Bucket([]byte(bucketSessions)).Put(k, append(binary.BigEndian.AppendUint64(nil, expirySeconds(exp)), sealed...))
	}))
	oldKey := db.seal.chatKey(1)
	must(t, db.Close())

	res, err := Rekey(path, testKey(1), testKey(2), Options{})
	if err != nil || res.Resealed != 11 || res.Dropped != 1 {
		t.Fatalf("Rekey = %+v, %v; want 11 resealed, the legacy session dropped", res, err)
	}
	if _, err := Open(path, testKey(1), Options{}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("the old key still opens the store: %v", err)
	}
	db = openTest(t, path, testKey(2), Options{})
	if s, found, err := db.Session(ctx, 1); !found || err != nil || s.Town != "Crema" {
		t.Errorf("session 1 after rekey: %+v %v %v", s, found, err)
	}
	if s, found, err := db.Session(ctx, -2); !found || err != nil || s.Lang != "en" {
		t.Errorf("session -2 after rekey: %+v %v %v", s, found, err)
	}
	if _, found, _ := db.Session(ctx, 4); found {
		t.Error("the legacy session survived")
	}
	if tr, found, err := db.TakeTrail(ctx, 3, time.Time{}); !found || err != nil || len(tr.Messages) != 2 {
		t.Errorf("trail after rekey: %+v %v %v", tr, found, err)
	}
	if kept, err := db.TakeShelf(ctx, 6, time.Now()); err != nil || len(kept) != 1 || kept[0].ID != "4" {
		t.Errorf("the message kept for a web visitor after rekey: %+v %v", kept, err)
	}
	if d, found, _ := db.Directory(ctx); !found || !d.Sample {
		t.Error("the directory was lost")
	}
	if st, found, err := db.Staff(ctx, 9); !found || err != nil || st.Pseudonym != "s1" {
		t.Errorf("staff after rekey: %+v %v %v", st, found, err)
	}
	if _, found, err := db.TakeInvite(ctx, "abc", time.Now()); !found || err != nil {
		t.Errorf("invite after rekey: %v %v", found, err)
	}
	if a, err := db.Audit(ctx, "", 10); len(a) != 1 || err != nil {
		t.Errorf("audit after rekey: %+v %v", a, err)
	}
	if cb, found, err := db.CallbackOf(ctx, 5); !found || err != nil || cb.Ticket != "T1" {
		t.Errorf("her request after rekey: %+v %v %v", cb, found, err)
	}
	if stats, err := db.Stats(ctx, "2027-01", "2027-01"); err != nil || len(stats) != 1 || stats[0].Count != count || stats[0].N != 1 {
		t.Errorf("counters after rekey: %+v %v", stats, err)
	}
	if string(db.seal.chatKey(1)) == string(oldKey) {
		t.Error("record keys were not derived again")
	}
	if n, err := db.Sweep(ctx, exp.Add(time.Second)); err != nil || n != 2 {
		t.Errorf("sweep after rekey removed %d (%v), want the 2 sessions through the new index", n, err)
	}
}

// TestRekeyRefusesUnknownBucket: a bucket rekey does not know could hold
// records sealed under the old key; rekey changes nothing then.
func TestRekeyRefusesUnknownBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db, err := Open(path, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.SaveSession(context.Background(), 1, flows.Session{State: "menu"}, time.Now().Add(time.Hour)))
	must(t, db.bolt.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("backups_of_someone")); return err }))
	must(t, db.Close())
	if _, err := Rekey(path, testKey(1), testKey(2), Options{}); err == nil {
		t.Fatal("rekey went through a store with an unknown bucket")
	}
	db = openTest(t, path, testKey(1), Options{})
	if _, found, err := db.Session(context.Background(), 1); !found || err != nil {
		t.Errorf("the failed rekey changed the store: %v %v", found, err)
	}
}

// TestTrailMovedFailsToOpen: a trail record moved to another chat's key
// does not open (the sealing binds it to its bucket and key).
func TestTrailMovedFailsToOpen(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	due := time.Now().Add(time.Hour)
	must(t, db.Track(ctx, 1, []int{1}, time.Now(), due, true))
	must(t, db.Track(ctx, 2, []int{2}, time.Now(), due, true))
	must(t, db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketTrail))
		return b.Put(db.seal.chatKey(2), append([]byte(nil), b.Get(db.seal.chatKey(1))...))
	}))
	if tr, found, err := db.TakeTrail(ctx, 2, time.Time{}); !errors.Is(err, errOpen) || found {
		t.Errorf("moved trail: %+v found=%v err=%v; want an open error", tr, found, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
