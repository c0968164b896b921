package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
	"frontdoor/flows/directory"
)

// What a stolen store or backup must not tell without the key.
const (
	secretAddress = "Via del Rifugio Segreto 12"
	secretNetwork = "rete-discreta"
	secretCentre  = "casa-rifugio-discreta"
	atRestChat    = int64(987654321987)
)

// atRestDirectory has one network and a centre with a confidential address.
var atRestDirectory = directory.Data{
	Networks: []directory.Network{{ID: secretNetwork, Name: "Rete"}},
	Centres: []directory.Centre{{ID: secretCentre, Network: secretNetwork, Name: "Casa", Town: "Crema", Lat: 45.36, Lon: 9.68,
		Address: secretAddress, AddressConfidential: true}},
}

// atRestCount is a counter of the confidential centre, in Ukrainian.
var atRestCount = flows.Count{Month: "2027-01", Network: secretNetwork, Centre: secretCentre, Lang: "uk", Name: flows.CountRequested}

// Her session and trail are due at these times (whole seconds).
var (
	atRestExpires = time.Unix(1_900_000_123, 0)
	atRestDue     = time.Unix(1_900_000_456, 0)
)

// checkNothingTells fails t for anything in the file at path that tells
// without the key: the confidential address, the centre or network of a
// counter, a count, or her activity times next to her chat's record key.
func checkNothingTells(t *testing.T, path string, chatKey []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, needle := range []string{secretAddress, secretNetwork, secretCentre, flows.CountRequested} {
		if bytes.Contains(raw, []byte(needle)) {
			t.Errorf("the file holds %q in clear (in a record or a freed page)", needle)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	times := [][]byte{binary.BigEndian.AppendUint64(nil, uint64(atRestExpires.Unix())), binary.BigEndian.AppendUint64(nil, uint64(atRestDue.Unix()))}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				rec := append(append([]byte(nil), k...), v...)
				if string(name) == bucketStats && len(v) == 8 {
					t.Errorf("counter %q holds its count in clear", k)
				}
				for _, tm := range times {
					if bytes.Contains(rec, tm) && (bytes.Contains(rec, chatKey) || bytes.Equal(name, []byte(bucketSessions)) || bytes.Equal(name, []byte(bucketTrail))) {
						t.Errorf("bucket %s: record %x tells when her chat is due", name, k)
					}
				}
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fillAtRest writes her session, trail, a counter and the directory.
func fillAtRest(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	must(t, db.SaveDirectory(ctx, atRestDirectory))
	for range 3 {
		must(t, db.Apply(ctx, flows.Change{Count: []flows.Count{atRestCount}}))
	}
	must(t, db.SaveSession(ctx, atRestChat, flows.Session{State: "menu", Lang: "uk"}, atRestExpires))
	must(t, db.Track(ctx, atRestChat, []int{1, 2}, atRestDue.Add(-time.Hour), atRestDue, true))
}

// checkAtRestReadable checks that everything fillAtRest wrote reads back.
func checkAtRestReadable(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	if d, found, err := db.Directory(ctx); err != nil || !found || d.Centres[0].Address != secretAddress {
		t.Errorf("directory: %+v %v %v", d, found, err)
	}
	if stats, err := db.Stats(ctx, "2027-01", "2027-01"); err != nil || len(stats) != 1 || stats[0].Count != atRestCount || stats[0].N != 3 {
		t.Errorf("stats: %+v %v", stats, err)
	}
	db.now = func() time.Time { return atRestExpires.Add(-time.Minute) }
	if s, found, err := db.Session(ctx, atRestChat); err != nil || !found || s.Lang != "uk" {
		t.Errorf("session: %+v %v %v", s, found, err)
	}
	if chats, err := db.DueTrails(ctx, atRestDue, 10); err != nil || len(chats) != 1 || chats[0] != atRestChat {
		t.Errorf("due trails: %v %v", chats, err)
	}
	if n, err := db.Sweep(ctx, atRestExpires); err != nil || n != 1 {
		t.Errorf("sweep at expiry: %d %v", n, err)
	}
}

// TestNothingTellsWithoutTheKey: the directory (confidential addresses),
// the counters per centre and language, and when each chat is due are
// sealed, so that a stolen store or backup tells none of them.
func TestNothingTellsWithoutTheKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db := openTest(t, path, testKey(1), Options{})
	fillAtRest(t, db)
	chatKey := db.seal.chatKey(atRestChat)
	must(t, db.Close())
	checkNothingTells(t, path, chatKey)
	checkAtRestReadable(t, openTest(t, path, testKey(1), Options{}))
}

// TestOpenSealsOlderStore: a store written in the older forms (plain
// directory and counters, due times in clear) is sealed when it is opened,
// its freed pages holding the old forms are gone, and everything reads
// back.
func TestOpenSealsOlderStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db := openTest(t, path, testKey(1), Options{})
	chatKey := db.seal.chatKey(atRestChat)
	writeOlderForms(t, db)
	must(t, db.Close())
	raw, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(raw, []byte(secretAddress)) {
		t.Fatalf("the older store does not hold the address in clear: %v", err)
	}
	db = openTest(t, path, testKey(1), Options{})
	must(t, db.Close())
	checkNothingTells(t, path, chatKey)
	checkAtRestReadable(t, openTest(t, path, testKey(1), Options{}))
}

// writeOlderForms writes what fillAtRest writes the way the previous
// version did, and marks the store as of schema 1.
func writeOlderForms(t *testing.T, db *DB) {
	t.Helper()
	dir, err := json.Marshal(atRestDirectory)
	must(t, err)
	key := db.seal.chatKey(atRestChat)
	sess, err := db.sealJSON(bucketSessions, key, sealedSession{Session: flows.Session{State: "menu", Lang: "uk"}, Chat: atRestChat})
	must(t, err)
	trail, err := db.seal.seal(bucketTrail, key, trailRecord{Chat: atRestChat, Idle: true, Msgs: [][2]int64{{1, atRestDue.Unix() - 3600}}}.encode())
	must(t, err)
	exp, due := uint64(atRestExpires.Unix()), uint64(atRestDue.Unix())
	c := atRestCount
	must(t, db.bolt.Update(func(tx *bolt.Tx) error {
		puts := []struct {
			bucket   string
			key, val []byte
		}{
			{bucketDirectory, []byte(keyCurrent), dir},
			{bucketStats, []byte(strings.Join([]string{c.Month, c.Network, c.Centre, c.Lang, c.Name}, "\x00")), binary.BigEndian.AppendUint64(nil, 3)},
			{bucketSessions, key, append(binary.BigEndian.AppendUint64(nil, exp), sess...)},
			{bucketSessionExpiry, append(binary.BigEndian.AppendUint64(nil, exp), key...), nil},
			{bucketTrail, key, append(binary.BigEndian.AppendUint64(nil, due), trail...)},
			{bucketTrailDue, append(binary.BigEndian.AppendUint64(nil, due), key...), nil},
			{bucketMeta, []byte(keySchema), binary.BigEndian.AppendUint64(nil, 1)},
		}
		for _, p := range puts {
			if err := tx.Bucket([]byte(p.bucket)).Put(p.key, p.val); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestOpenSealsOlderStoreKeepsOwner: root opening the bot user's store of
// the older forms leaves it that user's.
func TestOpenSealsOlderStoreKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the file another owner")
	}
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db := openTest(t, path, testKey(1), Options{})
	writeOlderForms(t, db)
	must(t, db.Close())
	must(t, os.Chown(path, 4242, 4343))
	must(t, openTest(t, path, testKey(1), Options{}).Close())
	fi, err := os.Stat(path)
	must(t, err)
	if uid, gid, _ := owner(fi); uid != 4242 || gid != 4343 || fi.Mode().Perm() != 0o600 {
		t.Errorf("after sealing the older forms the file is %d:%d %v, want 4242:4343 0600", uid, gid, fi.Mode().Perm())
	}
}
