package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"path/filepath"
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
	"frontdoor/store/storetest"
)

func TestStatsConformance(t *testing.T) {
	storetest.RunStats(t, func(t *testing.T) storetest.StatsStore {
		return freshDB(t)
	})
}

// Counts are durable once Apply returns: a store opened again after the
// process stopped has each exactly once.
func TestStatsSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db, err := Open(path, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := flows.Count{Month: "2027-01", Network: "n1", Lang: "it", Name: flows.CountWipe}
	for range 3 {
		if err := db.Apply(context.Background(), flows.Change{Count: []flows.Count{c}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTest(t, path, testKey(1), Options{})
	got, err := db.Stats(context.Background(), "2027-01", "2027-01")
	if err != nil || len(got) != 1 || got[0].N != 3 {
		t.Fatalf("after reopen Stats = %+v, %v; want the one counter at 3", got, err)
	}
}

// A counter key is refused when it could collide or is not a month.
func TestStatKeyRefusesBadParts(t *testing.T) {
	for _, c := range []flows.Count{
		{Month: "2027-13", Name: "wipe"},
		{Month: "2027-01", Name: ""},
		{Month: "2027-01", Network: "a\x00b", Name: "wipe"},
	} {
		if err := (&DB{}).Apply(context.Background(), flows.Change{Count: []flows.Count{c}}); err == nil {
			t.Errorf("Apply(%+v) = nil, want an error", c)
		}
	}
}

// Nothing in the stats bucket holds a chat id: neither as text nor as the
// 8 bytes of a number, in keys or values.
func TestStatsHoldNoChat(t *testing.T) {
	const her = int64(987654321987)
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db := openTest(t, path, testKey(1), Options{})
	ctx := context.Background()
	cb := flows.Callback{Ticket: "ABC234", Network: "n1", Centre: "c1", Chat: her, Phone: "+390000000000", Lang: "it", UILang: "it"}
	sess := flows.Session{Lang: "it"}
	c := flows.Count{Month: "2027-01", Network: "n1", Centre: "c1", Lang: "it", Name: flows.CountRequested}
	if err := db.Apply(ctx, flows.Change{Chat: her, Session: &sess, Put: []flows.Callback{cb}, Count: []flows.Count{c}}); err != nil {
		t.Fatal(err)
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketStats)).ForEach(func(k, v []byte) error {
			for _, b := range [][]byte{k, v} {
				if containsChat(b, her) {
					t.Errorf("stats record %q = %x holds her chat id", k, v)
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// containsChat looks for a chat id as decimal text or as 8 bytes either way.
func containsChat(b []byte, chat int64) bool {
	needles := [][]byte{[]byte(strconv.FormatInt(chat, 10)), binary.BigEndian.AppendUint64(nil, uint64(chat)), binary.LittleEndian.AppendUint64(nil, uint64(chat))}
	for _, n := range needles {
		if len(b) >= len(n) && bytes.Contains(b, n) {
			return true
		}
	}
	return false
}
