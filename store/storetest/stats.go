package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"frontdoor/flows"
)

// StatsStore is what the stats suite tests: counters added by Apply, in
// the transaction of the change they belong to.
type StatsStore interface {
	flows.SessionStore
	flows.CallbackStore
	flows.StatsStore
}

// RunStats runs the stats suite; open is as for Run.
func RunStats(t *testing.T, open func(t *testing.T) StatsStore) {
	runAll(t, open, []subtest[StatsStore]{
		{"CountedWithTheChange", testCountedWithChange},
		{"ConflictCountsNothing", testConflictCountsNothing},
		{"ConcurrentCountsExact", testConcurrentCountsExact},
		{"MonthRange", testMonthRange},
		{"DropSessionCounted", testDropSessionCounted},
	})
}

func statCount(month, name string) flows.Count {
	return flows.Count{Month: month, Network: "n1", Centre: "c1", Lang: "it", Name: name}
}

// statsOf returns the counters of from..to as a map.
func statsOf(t *testing.T, s StatsStore, from, to string) map[flows.Count]int64 {
	t.Helper()
	got, err := s.Stats(context.Background(), from, to)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	out := map[flows.Count]int64{}
	for _, st := range got {
		out[st.Count] = st.N
	}
	return out
}

func testCountedWithChange(t *testing.T, s StatsStore) {
	ctx := context.Background()
	sess := flows.Session{State: "menu", Lang: "it", Seen: now()}
	c := flows.Change{Chat: 7, Session: &sess, Expires: now().Add(3600e9),
		Count: []flows.Count{statCount("2027-01", flows.CountRequested), statCount("2027-01", flows.CountRequested), statCount("2027-01", flows.CountEmergency)}}
	if err := s.Apply(ctx, c); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if _, found, err := s.Session(ctx, 7); err != nil || !found {
		t.Fatalf("session not saved with the counts: found %v, %v", found, err)
	}
	got := statsOf(t, s, "2027-01", "2027-01")
	want := map[flows.Count]int64{statCount("2027-01", flows.CountRequested): 2, statCount("2027-01", flows.CountEmergency): 1}
	if len(got) != len(want) || got[statCount("2027-01", flows.CountRequested)] != 2 || got[statCount("2027-01", flows.CountEmergency)] != 1 {
		t.Fatalf("stats = %v, want %v", got, want)
	}
}

// A change refused for a conflict writes none of its counts.
func testConflictCountsNothing(t *testing.T, s StatsStore) {
	ctx := context.Background()
	cb := sampleCallback()
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}, Count: []flows.Count{statCount("2027-02", flows.CountRequested)}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	// cb still carries Version 0: stale.
	err := s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}, Count: []flows.Count{statCount("2027-02", flows.CountTaken)}})
	if !errors.Is(err, flows.ErrConflict) {
		t.Fatalf("stale Apply = %v, want ErrConflict", err)
	}
	got := statsOf(t, s, "2027-02", "2027-02")
	if got[statCount("2027-02", flows.CountRequested)] != 1 || got[statCount("2027-02", flows.CountTaken)] != 0 {
		t.Fatalf("stats = %v, want only the requested count", got)
	}
}

// Many writers at once, some of them refused: the store's group commit
// retries the others without the refused ones, and no count is doubled or
// lost.
func testConcurrentCountsExact(t *testing.T, s StatsStore) {
	ctx := context.Background()
	cb := sampleCallback()
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- s.Apply(ctx, flows.Change{Count: []flows.Count{statCount("2027-03", flows.CountSearchTown)}})
		}()
		go func() {
			defer wg.Done()
			// Only one of these creates the callback; the others conflict.
			errs <- s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}, Count: []flows.Count{statCount("2027-03", flows.CountRequested)}})
		}()
	}
	wg.Wait()
	close(errs)
	conflicts := 0
	for err := range errs {
		switch {
		case errors.Is(err, flows.ErrConflict):
			conflicts++
		case err != nil:
			t.Fatalf("Apply: %v", err)
		}
	}
	got := statsOf(t, s, "2027-03", "2027-03")
	if got[statCount("2027-03", flows.CountSearchTown)] != n || got[statCount("2027-03", flows.CountRequested)] != 1 || conflicts != n-1 {
		t.Fatalf("stats = %v with %d conflicts, want %d searches, 1 request, %d conflicts", got, conflicts, n, n-1)
	}
}

func testMonthRange(t *testing.T, s StatsStore) {
	ctx := context.Background()
	for _, m := range []string{"2026-12", "2027-01", "2027-06", "2027-07"} {
		if err := s.Apply(ctx, flows.Change{Count: []flows.Count{statCount(m, flows.CountWipe)}}); err != nil {
			t.Fatalf("Apply: %v", err)
		}
	}
	got, err := s.Stats(ctx, "2027-01", "2027-06")
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if len(got) != 2 || got[0].Month != "2027-01" || got[1].Month != "2027-06" {
		t.Fatalf("Stats(2027-01..2027-06) = %+v, want those two months in order", got)
	}
}

// The idle wipe deletes the session and counts it in one change; refused,
// it does neither.
func testDropSessionCounted(t *testing.T, s StatsStore) {
	ctx := context.Background()
	sess := flows.Session{State: "menu", Lang: "it", Seen: now()}
	if err := s.SaveSession(ctx, 7, sess, now().Add(3600e9)); err != nil {
		t.Fatal(err)
	}
	cb := sampleCallback()
	if err := s.Apply(ctx, flows.Change{Put: []flows.Callback{cb}}); err != nil {
		t.Fatal(err)
	}
	wipe := statCount("2027-04", flows.CountIdleWipe)
	// A stale put makes the whole change fail.
	err := s.Apply(ctx, flows.Change{Chat: 7, DropSession: true, Put: []flows.Callback{cb}, Count: []flows.Count{wipe}})
	if !errors.Is(err, flows.ErrConflict) {
		t.Fatalf("stale Apply = %v, want ErrConflict", err)
	}
	if _, found, _ := s.Session(ctx, 7); !found || statsOf(t, s, "2027-04", "2027-04")[wipe] != 0 {
		t.Fatalf("a refused change deleted the session (found %v) or counted", found)
	}
	if err := s.Apply(ctx, flows.Change{Chat: 7, DropSession: true, Count: []flows.Count{wipe}}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Session(ctx, 7); found || statsOf(t, s, "2027-04", "2027-04")[wipe] != 1 {
		t.Fatalf("after the wipe: session found %v, stats %v", found, statsOf(t, s, "2027-04", "2027-04"))
	}
}
