package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
)

func testStaffRoundTrip(t *testing.T, s Store) {
	ctx := context.Background()
	if _, found, err := s.Staff(ctx, 42); err != nil || found {
		t.Fatalf("unknown user: found %v, %v", found, err)
	}
	want := flows.Staff{Pseudonym: "V-AB", Grants: []flows.Grant{{Role: flows.RoleVolunteer, Network: "arca"}, {Role: flows.RoleOperator, Network: "arca", Centre: "cr"}}}
	if err := s.SaveStaff(ctx, 42, want); err != nil {
		t.Fatal(err)
	}
	got, found, err := s.Staff(ctx, 42)
	if err != nil || !found || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v %v %v, want %+v", got, found, err, want)
	}
	if err := s.SaveStaff(ctx, 42, flows.Staff{Pseudonym: "V-AB"}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Staff(ctx, 42); found {
		t.Errorf("a member with no grants left is still staff")
	}
}

func testStaffRevoke(t *testing.T, s Store) {
	ctx := context.Background()
	for i, p := range []string{"C-01", "V-02", "O-03"} {
		if err := s.SaveStaff(ctx, int64(100+i), flows.Staff{Pseudonym: p, Grants: []flows.Grant{{Role: flows.RoleVolunteer, Network: "arca"}}}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListStaff(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("ListStaff: %d entries, %v", len(list), err)
	}
	var victim string
	for _, e := range list {
		if e.Ref == "" || e.Ref == "101" || len(e.Ref) > 32 {
			t.Errorf("ref %q must be short, opaque and not the user id", e.Ref)
		}
		if e.Staff.Pseudonym == "V-02" {
			victim = e.Ref
		}
	}
	if err := s.RevokeStaff(ctx, victim); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Staff(ctx, 101); found {
		t.Errorf("revoked member is still staff")
	}
	if _, found, _ := s.Staff(ctx, 100); !found {
		t.Errorf("revoke removed the wrong member")
	}
}

func testInviteOnce(t *testing.T, s Store) {
	ctx := context.Background()
	inv := flows.Invite{Code: "abc123", Grant: flows.Grant{Role: flows.RoleVolunteer, Network: "arca"}, By: "A-01", Expires: now().Add(time.Hour)}
	if err := s.SaveInvite(ctx, inv); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	wins := 0
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			got, found, err := s.TakeInvite(ctx, "abc123", now())
			if err != nil {
				t.Error(err)
				return
			}
			if found {
				mu.Lock()
				wins++
				mu.Unlock()
				if !reflect.DeepEqual(got.Grant, inv.Grant) || got.By != "A-01" {
					t.Errorf("got %+v", got)
				}
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("an invite opened at once by 10 people worked %d times, want once", wins)
	}
	if _, found, _ := s.TakeInvite(ctx, "nope", now()); found {
		t.Errorf("an unknown code worked")
	}
}

func testInviteExpired(t *testing.T, s Store) {
	ctx := context.Background()
	inv := flows.Invite{Code: "old", Grant: flows.Grant{Role: flows.RoleAdmin}, Expires: now().Add(-time.Minute)}
	if err := s.SaveInvite(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if _, found, err := s.TakeInvite(ctx, "old", now()); err != nil || found {
		t.Errorf("an expired invite worked (%v)", err)
	}
}

func testAudit(t *testing.T, s Store) {
	ctx := context.Background()
	base := now()
	for i := range 5 {
		net := "arca"
		if i%2 == 1 {
			net = "amaranta"
		}
		e := flows.AuditEntry{At: base.Add(time.Duration(i) * time.Minute), Who: "V-01", Network: net, Subject: "cr", Field: "hours", Before: fmt.Sprint(i), After: fmt.Sprint(i + 1)}
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Audit(ctx, "", 3)
	if err != nil || len(all) != 3 || all[0].Before != "4" || all[2].Before != "2" {
		t.Fatalf("latest 3 of all: %+v %v", all, err)
	}
	arca, err := s.Audit(ctx, "arca", 10)
	if err != nil || len(arca) != 3 || arca[0].Before != "4" || arca[2].Before != "0" {
		t.Fatalf("arca: %+v %v", arca, err)
	}
}

// testUpdateDirectoryConcurrent: two volunteers editing different centres at
// the same moment both keep their change.
func testUpdateDirectoryConcurrent(t *testing.T, s Store) {
	ctx := context.Background()
	base := sampleDirectory()
	var wg sync.WaitGroup
	for i, id := range []string{"cr", "shelter", "cr", "shelter"} {
		wg.Go(func() {
			_, err := s.UpdateDirectory(ctx, base, func(d *directory.Data) error {
				for j := range d.Centres {
					if d.Centres[j].ID == id {
						d.Centres[j].Phones = append(d.Centres[j].Phones, fmt.Sprintf("+3900000%02d", i))
					}
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	d, found, err := s.Directory(ctx)
	if err != nil || !found {
		t.Fatalf("directory: %v %v", found, err)
	}
	phones := len(d.Centres[0].Phones) + len(d.Centres[1].Phones)
	if phones != len(base.Centres[0].Phones)+4 {
		t.Errorf("after 4 concurrent edits the centres have %d phones, want %d: an edit was lost", phones, len(base.Centres[0].Phones)+4)
	}
	_, err = s.UpdateDirectory(ctx, base, func(*directory.Data) error { return fmt.Errorf("refused") })
	if err == nil {
		t.Errorf("a refused change did not report its error")
	}
	if d2, _, _ := s.Directory(ctx); !reflect.DeepEqual(d2, d) {
		t.Errorf("a refused change altered the directory")
	}
}
