package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// One failing or panicking write gets its own error; the others in its
// group still commit.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "frontdoor.db"), testKey(1), Options{NoSync: true})
	bad := errors.New("bad write")
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
				switch i % 50 {
				case 7:
					return bad
				case 13:
					panic("boom")
				}
				return tx.Bucket([]byte(bucketMeta)).Put(fmt.Appendf(nil, "t%03d", i), []byte{1})
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		switch i % 50 {
		case 7:
			if !errors.Is(err, bad) {
				t.Errorf("write %d: err = %v, want its own error", i, err)
			}
		case 13:
			if err == nil {
				t.Errorf("write %d: a panic gave no error", i)
			}
		default:
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		m := tx.Bucket([]byte(bucketMeta))
		for i := range n {
			got := m.Get(fmt.Appendf(nil, "t%03d", i)) != nil
			if want := i%50 != 7 && i%50 != 13; got != want {
				t.Errorf("write %d committed = %v, want %v", i, got, want)
			}
		}
		return nil
	})
	// The committer is idle again: a lone write goes through.
	if err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
}
