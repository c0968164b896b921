// Package storetest is the conformance suite every implementation of the
// flows storage interfaces must pass, so that the in-memory store used in
// tests of flows behaves like the bbolt store used in production.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"frontdoor/flows"
)

// Store is what the suite tests: both flows interfaces, the deletion the
// quick exit needs, and the sweeper that enforces expiry at rest.
type Store interface {
	flows.SessionStore
	flows.DirectoryStore
	flows.StaffStore
	flows.DirectoryUpdater
	// DeleteSession forgets the session of a chat at once; deleting a
	// missing session is not an error.
	DeleteSession(ctx context.Context, chat int64) error
	// Sweep deletes the sessions whose expiry is at or before now and
	// returns how many it deleted.
	Sweep(ctx context.Context, now time.Time) (int, error)
}

// Run runs the suite. open must return a new, empty store that uses the wall
// clock for expiry; it is called once per subtest and should register its
// own cleanup with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) Store) {
	runAll(t, open, []subtest[Store]{
		{"SessionRoundTrip", testSessionRoundTrip},
		{"SessionNotFound", testSessionNotFound},
		{"SessionOverwrite", testSessionOverwrite},
		{"SessionsAreSeparate", testSessionsAreSeparate},
		{"SessionDelete", testSessionDelete},
		{"SessionExpired", testSessionExpired},
		{"SweepRemovesExpired", testSweepRemovesExpired},
		{"SweepKeepsResaved", testSweepKeepsResaved},
		{"DirectoryRoundTrip", testDirectoryRoundTrip},
		{"DirectoryKeepsCoarse", testDirectoryKeepsCoarse},
		{"ConcurrentSaves", testConcurrentSaves},
		{"CancelledContext", testCancelledContext},
		{"StaffRoundTrip", testStaffRoundTrip},
		{"StaffRevoke", testStaffRevoke},
		{"InviteOnce", testInviteOnce},
		{"InviteExpired", testInviteExpired},
		{"Audit", testAudit},
		{"UpdateDirectoryConcurrent", testUpdateDirectoryConcurrent},
	})
}

// subtest is one named test of a suite over stores of type S.
type subtest[S any] struct {
	name string
	fn   func(t *testing.T, s S)
}

// runAll runs each subtest on a new store from open.
func runAll[S any](t *testing.T, open func(t *testing.T) S, tests []subtest[S]) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// now is the suite's reference time, whole seconds so that stores that keep
// expiry in seconds agree with stores that keep it exactly.
func now() time.Time { return time.Now().Truncate(time.Second) }

// fullSession sets every field, with values that JSON and time zones could
// get wrong.
func fullSession() flows.Session {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		rome = time.FixedZone("CET", 3600)
	}
	return flows.Session{
		State:   "callback.when",
		Lang:    "it",
		Network: "arca",
		Town:    "Casalbuttano ed Uniti",
		Data: map[string]string{
			"phone": "+393471234567",
			"when":  "lun 18:00–19:00",
			"note":  "già \"chiamata\"\n<ok> & 🙂",
		},
		LastUpdate: 1<<53 + 7,
		Seen:       time.Date(2025, 11, 25, 21, 7, 3, 123456789, rome),
	}
}

// equalSession compares sessions, Seen by instant rather than
// representation.
func equalSession(t *testing.T, got, want flows.Session) {
	t.Helper()
	if !got.Seen.Equal(want.Seen) {
		t.Errorf("Seen = %v, want %v", got.Seen, want.Seen)
	}
	got.Seen, want.Seen = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("session = %#v, want %#v", got, want)
	}
}

func mustSave(t *testing.T, s Store, chat int64, sess flows.Session, exp time.Time) {
	t.Helper()
	if err := s.SaveSession(context.Background(), chat, sess, exp); err != nil {
		t.Fatalf("SaveSession: %v", err)
	}
}

func mustLoad(t *testing.T, s Store, chat int64) (flows.Session, bool) {
	t.Helper()
	got, found, err := s.Session(context.Background(), chat)
	if err != nil {
		t.Fatalf("Session: %v", err)
	}
	return got, found
}

func testSessionRoundTrip(t *testing.T, s Store) {
	want := fullSession()
	mustSave(t, s, 123456789, want, now().Add(time.Hour))
	got, found := mustLoad(t, s, 123456789)
	if !found {
		t.Fatal("saved session not found")
	}
	equalSession(t, got, want)

	// The zero session (only Seen has no omitempty) round-trips too.
	mustSave(t, s, 2, flows.Session{}, now().Add(time.Hour))
	got, found = mustLoad(t, s, 2)
	if !found {
		t.Fatal("saved zero session not found")
	}
	equalSession(t, got, flows.Session{})
}

func testSessionNotFound(t *testing.T, s Store) {
	for _, chat := range []int64{0, 1, -1001234567890, 1 << 62} {
		got, found := mustLoad(t, s, chat)
		if found {
			t.Errorf("chat %d: found a session in an empty store", chat)
		}
		equalSession(t, got, flows.Session{})
	}
	mustSave(t, s, 5, fullSession(), now().Add(time.Hour))
	if _, found := mustLoad(t, s, 6); found {
		t.Error("found a session for a chat that never saved one")
	}
}

func testSessionOverwrite(t *testing.T, s Store) {
	mustSave(t, s, 9, fullSession(), now().Add(time.Hour))
	second := flows.Session{State: "menu", Lang: "en", LastUpdate: 42, Seen: now()}
	mustSave(t, s, 9, second, now().Add(time.Hour))
	got, found := mustLoad(t, s, 9)
	if !found {
		t.Fatal("overwritten session not found")
	}
	// Fields of the first session must not survive the overwrite.
	equalSession(t, got, second)
}

func testSessionsAreSeparate(t *testing.T, s Store) {
	chats := []int64{5, -5, 1 << 40, -1001234567890}
	for i, chat := range chats {
		mustSave(t, s, chat, flows.Session{State: fmt.Sprint("s", i), LastUpdate: int64(i)}, now().Add(time.Hour))
	}
	for i, chat := range chats {
		got, found := mustLoad(t, s, chat)
		if !found || got.State != fmt.Sprint("s", i) {
			t.Errorf("chat %d: got %+v found=%v, want state s%d", chat, got, found, i)
		}
	}
}

func testSessionDelete(t *testing.T, s Store) {
	ctx := context.Background()
	base := now()
	mustSave(t, s, 1, fullSession(), base.Add(time.Hour))
	mustSave(t, s, 2, fullSession(), base.Add(time.Hour))
	if err := s.DeleteSession(ctx, 1); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	if _, found := mustLoad(t, s, 1); found {
		t.Error("deleted session found")
	}
	if _, found := mustLoad(t, s, 2); !found {
		t.Error("deleting one chat's session removed another's")
	}
	if err := s.DeleteSession(ctx, 1); err != nil {
		t.Errorf("deleting a missing session: %v", err)
	}
	if err := s.DeleteSession(ctx, 99); err != nil {
		t.Errorf("deleting a never-saved session: %v", err)
	}
	// A deleted session is not counted by a later sweep.
	if n := sweep(t, s, base.Add(2*time.Hour)); n != 1 {
		t.Errorf("Sweep after delete removed %d sessions, want 1", n)
	}
	// And the chat can start again.
	mustSave(t, s, 1, flows.Session{State: "menu"}, base.Add(time.Hour))
	if got, found := mustLoad(t, s, 1); !found || got.State != "menu" {
		t.Errorf("session saved after delete: %+v found=%v", got, found)
	}
}

func testSessionExpired(t *testing.T, s Store) {
	mustSave(t, s, 1, fullSession(), now().Add(-time.Second))
	if _, found := mustLoad(t, s, 1); found {
		t.Error("expired session found")
	}
	mustSave(t, s, 2, fullSession(), now().Add(-48*time.Hour))
	if _, found := mustLoad(t, s, 2); found {
		t.Error("long-expired session found")
	}
	// Saving it again with a future expiry brings it back.
	mustSave(t, s, 1, fullSession(), now().Add(time.Hour))
	if _, found := mustLoad(t, s, 1); !found {
		t.Error("re-saved session not found")
	}
}

func sweep(t *testing.T, s Store, at time.Time) int {
	t.Helper()
	n, err := s.Sweep(context.Background(), at)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	return n
}

func testSweepRemovesExpired(t *testing.T, s Store) {
	base := now()
	mustSave(t, s, 1, fullSession(), base.Add(-time.Hour))
	mustSave(t, s, 2, fullSession(), base.Add(-time.Second))
	mustSave(t, s, 3, fullSession(), base.Add(time.Hour)) // expires exactly at the sweep below
	mustSave(t, s, 4, fullSession(), base.Add(2*time.Hour))
	mustSave(t, s, 5, fullSession(), base.Add(3*time.Hour))

	if n := sweep(t, s, base.Add(time.Hour)); n != 3 {
		t.Errorf("Sweep removed %d sessions, want 3 (expiry at or before now)", n)
	}
	if n := sweep(t, s, base.Add(time.Hour)); n != 0 {
		t.Errorf("second Sweep removed %d sessions, want 0", n)
	}
	for _, chat := range []int64{4, 5} {
		if _, found := mustLoad(t, s, chat); !found {
			t.Errorf("chat %d: live session removed by Sweep", chat)
		}
	}
	if n := sweep(t, s, base.Add(24*time.Hour)); n != 2 {
		t.Errorf("final Sweep removed %d sessions, want 2", n)
	}
	for chat := int64(1); chat <= 5; chat++ {
		if _, found := mustLoad(t, s, chat); found {
			t.Errorf("chat %d: found after its sweep", chat)
		}
	}
}

func testSweepKeepsResaved(t *testing.T, s Store) {
	base := now()
	mustSave(t, s, 7, flows.Session{State: "old"}, base.Add(time.Hour))
	mustSave(t, s, 7, flows.Session{State: "new"}, base.Add(2*time.Hour))
	if n := sweep(t, s, base.Add(time.Hour)); n != 0 {
		t.Errorf("Sweep of the old expiry removed %d sessions, want 0", n)
	}
	got, found := mustLoad(t, s, 7)
	if !found || got.State != "new" {
		t.Fatalf("re-saved session after sweep of its old expiry: %+v found=%v", got, found)
	}
	// Saving it back to an earlier expiry must let the sweeper find it there.
	mustSave(t, s, 7, flows.Session{State: "earlier"}, base.Add(30*time.Minute))
	if n := sweep(t, s, base.Add(time.Hour)); n != 1 {
		t.Errorf("Sweep removed %d sessions, want 1", n)
	}
	if _, found := mustLoad(t, s, 7); found {
		t.Error("swept session still found")
	}
	if n := sweep(t, s, base.Add(24*time.Hour)); n != 0 {
		t.Errorf("later Sweep removed %d sessions, want 0 (stale index entries are not sessions)", n)
	}
}

func sampleDirectory() flows.DirectoryData {
	var week flows.Week
	week[time.Monday] = []flows.Slot{{Open: 9 * 60, Close: 13 * 60}, {Open: 14 * 60, Close: 18 * 60}}
	week[time.Saturday] = []flows.Slot{{Open: 20 * 60, Close: 2 * 60}}
	week[time.Sunday] = []flows.Slot{{Open: 0, Close: 1440}}
	return flows.DirectoryData{
		Sample:   true,
		Networks: []flows.Network{{ID: "arca", Name: "ARCA", Province: "CR"}, {ID: "amaranta", Name: "Amaranta"}},
		Centres: []flows.Centre{{
			ID: "cr", Network: "arca", Name: "Centro Antiviolenza Cremona", Town: "Cremona",
			Address: "Via Esempio 1", Lat: 45.1332, Lon: 10.0227,
			Phones:    []string{"+390372000000"},
			Towns:     []string{"Cremona", "Casalbuttano ed Uniti"},
			Languages: []string{"it", "en"},
			Services:  []string{"listening", "legal"},
			Hours:     week,
			Closures: []flows.Closure{{
				From: flows.Date{Year: 2025, Month: time.December, Day: 24},
				To:   flows.Date{Year: 2026, Month: time.January, Day: 6}, Reason: "festività",
			}},
			OpenOnHolidays: true,
		}, {
			// Confidential: at the point of its comune, the only one kept.
			ID: "shelter", Network: "arca", Name: "Casa rifugio", Town: "Crema",
			AddressConfidential: true, Lat: 45.3667, Lon: 9.68333,
		}},
	}
}

func testDirectoryRoundTrip(t *testing.T, s Store) {
	ctx := context.Background()
	d, found, err := s.Directory(ctx)
	if err != nil || found {
		t.Fatalf("empty store: Directory = found %v, err %v; want not found", found, err)
	}
	if !reflect.DeepEqual(d, flows.DirectoryData{}) {
		t.Errorf("not-found directory is not zero: %#v", d)
	}
	want := sampleDirectory()
	if err := s.SaveDirectory(ctx, want); err != nil {
		t.Fatalf("SaveDirectory: %v", err)
	}
	got, found, err := s.Directory(ctx)
	if err != nil || !found {
		t.Fatalf("Directory after save: found %v, err %v", found, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("directory = %#v\nwant %#v", got, want)
	}
	// Replacing it drops what the old one had.
	small := flows.DirectoryData{Networks: []flows.Network{{ID: "n", Name: "N"}}}
	if err := s.SaveDirectory(ctx, small); err != nil {
		t.Fatalf("SaveDirectory: %v", err)
	}
	got, _, err = s.Directory(ctx)
	if err != nil || !reflect.DeepEqual(got, small) {
		t.Errorf("replaced directory = %#v, err %v; want %#v", got, err, small)
	}
}

// testDirectoryKeepsCoarse: of a centre whose address is confidential the
// store keeps only the point of its comune, whoever saves the directory
// and however: its own coordinates would locate it (issue 15).
func testDirectoryKeepsCoarse(t *testing.T, s Store) {
	ctx := context.Background()
	exact := func(lat, lon float64) flows.DirectoryData {
		d := sampleDirectory()
		d.Centres[1].Lat, d.Centres[1].Lon = lat, lon
		return d
	}
	check := func(how string, got flows.DirectoryData) {
		t.Helper()
		if c := got.Centres[1]; c.Lat != 45.3667 || c.Lon != 9.68333 {
			t.Errorf("%s: the confidential centre is kept at %v,%v, not at its comune's point", how, c.Lat, c.Lon)
		}
		if c := got.Centres[0]; c.Lat != 45.1332 || c.Lon != 10.0227 {
			t.Errorf("%s: a centre with a public address moved to %v,%v", how, c.Lat, c.Lon)
		}
	}
	given := exact(45.3581, 9.6893)
	if err := s.SaveDirectory(ctx, given); err != nil {
		t.Fatal(err)
	}
	if given.Centres[1].Lat != 45.3581 {
		t.Errorf("SaveDirectory changed the caller's directory")
	}
	got, _, err := s.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("SaveDirectory", got)
	got, err = s.UpdateDirectory(ctx, flows.DirectoryData{}, func(d *flows.DirectoryData) error {
		d.Centres[1].Lat, d.Centres[1].Lon = 45.3702, 9.6711
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	check("UpdateDirectory's result", got)
	got, _, err = s.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("UpdateDirectory", got)
}

func testConcurrentSaves(t *testing.T, s Store) {
	const n = 50
	exp := now().Add(time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := int64(1000 + i)
			sess := flows.Session{State: "menu", LastUpdate: chat, Data: map[string]string{"i": fmt.Sprint(i)}}
			if err := s.SaveSession(context.Background(), chat, sess, exp); err != nil {
				errs <- err
				return
			}
			// Read back at once: the write is committed when SaveSession returns.
			got, found, err := s.Session(context.Background(), chat)
			if err != nil || !found || got.LastUpdate != chat {
				errs <- fmt.Errorf("chat %d: read back %+v found=%v err=%v", chat, got, found, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range n {
		chat := int64(1000 + i)
		got, found := mustLoad(t, s, chat)
		if !found || got.LastUpdate != chat || got.Data["i"] != fmt.Sprint(i) {
			t.Errorf("chat %d: got %+v found=%v", chat, got, found)
		}
	}
}

func testCancelledContext(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.SaveSession(ctx, 1, fullSession(), now().Add(time.Hour)); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveSession with a cancelled context: err = %v, want context.Canceled", err)
	}
	if _, found := mustLoad(t, s, 1); found {
		t.Error("SaveSession with a cancelled context stored the session")
	}
	if _, _, err := s.Session(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Session with a cancelled context: err = %v, want context.Canceled", err)
	}
}
