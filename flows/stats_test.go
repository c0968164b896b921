package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/store/memstore"
)

// statsOf sums the stored counters of a month by name.
func statsOf(t *testing.T, st flows.StatsStore, month string) map[string]int64 {
	t.Helper()
	stats, err := st.Stats(context.Background(), month, month)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, s := range stats {
		out[s.Name] += s.N
	}
	return out
}

// An escalated request and the wait until it was taken are counted, for
// the centre asked.
func TestStatsEscalationAndWait(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	cb := request(t, svc, st, "arca-cremona", "today.morning", "sms")
	for _, d := range []time.Duration{15 * time.Minute, 30 * time.Minute} {
		clk.Set(tuesdayMorning.Add(d))
		if err := svc.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(tuesdayMorning.Add(2 * time.Hour))
	press(t, svc, onCallCrema, onCallCrema, "op:take:"+cb.Ticket)
	got := statsOf(t, st, "2027-03")
	for name, n := range map[string]int64{flows.CountRequested: 1, flows.CountEscalated: 1, flows.CountTaken: 1, "taken_within_4h": 1} {
		if got[name] != n {
			t.Errorf("%s = %d, want %d (all: %v)", name, got[name], n, got)
		}
	}
	stats, _ := st.Stats(context.Background(), "2027-03", "2027-03")
	for _, s := range stats {
		if s.Name != flows.CountConversations && (s.Centre != "arca-cremona" || s.Network != "arca") {
			t.Errorf("%s counted for %q/%q", s.Name, s.Network, s.Centre)
		}
	}
}

// The idle wipe of a conversation counts once; a chat with nothing left
// to wipe counts nothing.
func TestStatsIdleWipe(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	svc, st := cbService(t, clk)
	handle(t, svc, flows.Input{Chat: her, Kind: flows.KindCommand, Command: "start"})
	for range 2 {
		if _, err := svc.Wipe(context.Background(), her); err != nil {
			t.Fatal(err)
		}
	}
	if got := statsOf(t, st, "2027-03"); got[flows.CountIdleWipe] != 1 || got[flows.CountConversations] != 1 {
		t.Errorf("stats %v, want one conversation and one idle wipe", got)
	}
}

// /stats shows a coordinator her network's figures only, an admin all;
// volunteers and operators get no figures.
func TestStatsScope(t *testing.T) {
	st := memstore.New()
	ctx := context.Background()
	for user, g := range map[int64]flows.Grant{
		operatorCrem: {Role: flows.RoleOperator, Network: "arca", Centre: "arca-crema"},
		volArca:      {Role: flows.RoleVolunteer, Network: "arca"},
		coordArca:    {Role: flows.RoleCoordinator, Network: "arca"},
	} {
		if err := st.SaveStaff(ctx, user, flows.Staff{Pseudonym: "P", Grants: []flows.Grant{g}}); err != nil {
			t.Fatal(err)
		}
	}
	// Five of each, in February; March, the month of the test, is still
	// counting and is not shown.
	for _, c := range []flows.Count{
		{Month: "2027-02", Network: "arca", Centre: "arca-crema", Lang: "it", Name: flows.CountRequested},
		{Month: "2027-02", Network: "amaranta", Centre: "amaranta-bresso", Lang: "it", Name: flows.CountRequested},
		{Month: "2027-02", Lang: "it", Name: flows.CountConversations},
		{Month: "2027-03", Network: "arca", Centre: "arca-crema", Lang: "it", Name: flows.CountDone},
	} {
		for range 5 {
			if err := st.Apply(ctx, flows.Change{Count: []flows.Count{c}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := sampleDir(t)
	svc := flows.NewService(st, dir, flows.Options{Langs: []string{"it"}, Now: func() time.Time { return tuesdayMorning },
		Staff: st, Admins: []int64{bootAdmin}, Stats: st})
	for _, tc := range []struct {
		user      int64
		want      []string
		wantNot   []string
		noFigures bool
	}{
		{coordArca, []string{"network arca"}, []string{"amaranta", "network -", "2027-03", flows.CountDone}, false},
		{bootAdmin, []string{"network arca", "network amaranta", "network -"}, []string{"2027-03", flows.CountDone}, false},
		{volArca, nil, nil, true},
		{operatorCrem, nil, nil, true},
		{public, nil, nil, true},
	} {
		res := handle(t, svc, flows.Input{Chat: tc.user, Kind: flows.KindCommand, Command: "stats"})
		var table string
		for _, r := range res.Replies {
			for _, tx := range r.Texts {
				if tx.ID == "stats.table" {
					table = tx.Data["Table"].(string)
				}
			}
		}
		if tc.noFigures {
			if table != "" || hasText(res, "stats.title") {
				t.Errorf("user %d got figures: %v", tc.user, ids(res))
			}
			continue
		}
		csv := ""
		for _, r := range handle(t, svc, flows.Input{Chat: tc.user, Kind: flows.KindButton, Data: "st.statscsv"}).Replies {
			if r.Document != nil {
				csv = string(r.Document.Data)
			}
		}
		for _, w := range tc.want {
			if !strings.Contains(table, w) {
				t.Errorf("user %d: table lacks %q:\n%s", tc.user, w, table)
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(table, w) || strings.Contains(csv, w) {
				t.Errorf("user %d sees %q:\n%s\n%s", tc.user, w, table, csv)
			}
		}
		if csv == "" {
			t.Errorf("user %d got no CSV", tc.user)
		}
	}
}

// A conversation whose first message asks for help or names a town is
// counted as a conversation, and as what she asked.
func TestStatsFirstWords(t *testing.T) {
	st := memstore.New()
	svc := flows.NewService(st, sampleDir(t), flows.Options{Langs: []string{"it"}, Now: func() time.Time { return tuesdayMorning },
		Stats: st, Callbacks: st, Lexicon: testLexicon(t)})
	handle(t, svc, flows.Input{Chat: 1, Kind: flows.KindText, Text: "aiuto, mio marito mi picchia"})
	handle(t, svc, flows.Input{Chat: 2, Kind: flows.KindText, Text: "Crema"})
	handle(t, svc, flows.Input{Chat: 2, Kind: flows.KindText, Text: "Cremona"})
	got := statsOf(t, st, "2027-03")
	for name, n := range map[string]int64{flows.CountConversations: 2, flows.CountEmergency: 1, flows.CountSearchTown: 2} {
		if got[name] != n {
			t.Errorf("%s = %d, want %d (all: %v)", name, got[name], n, got)
		}
	}
}
