package flows_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"frontdoor/flows/directory"
)

// matrixFile is the authorization matrix a reviewer reads: every actor,
// every action, allowed or denied.
var matrixFile = filepath.Join("testdata", "authorization.txt")

// TestAuthorizationMatrix tries every staff, operator and callback action
// of the code, and forged data, as every kind of person — each cell in a
// deployment of its own — and compares what each got with
// testdata/authorization.txt. "Allowed" is what she would notice: the
// answer and the stored state (who took the request, the directory, the
// roles, the receiving chats), which must agree. Any cell that changes
// fails; go test ./flows -run TestAuthorizationMatrix -update rewrites the
// file, whose diff is then a review of who may do what.
func TestAuthorizationMatrix(t *testing.T) {
	t.Run("every routed action is in the matrix", checkCoverage)
	dir := sampleDir(t)
	got := map[string]cell{}
	for _, c := range matrixColumns {
		for _, a := range actors {
			got[cellKey(a.name, c.code)] = evaluate(t, dir, c, a)
		}
	}
	want := got
	text := renderMatrix(want)
	if *update {
		if err := os.WriteFile(matrixFile, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(matrixFile)
	if err != nil {
		t.Fatalf("%v (go test ./flows -run TestAuthorizationMatrix -update writes it)", err)
	}
	if string(golden) == text {
		return
	}
	old := parseMatrix(string(golden))
	changed := false
	for _, c := range matrixColumns {
		for _, a := range actors {
			k := cellKey(a.name, c.code)
			if old[k] != want[k] {
				changed = true
				t.Errorf("%s (%s) by %s: the matrix says %q, now %q", c.code, c.input, a.name, old[k], want[k])
			}
		}
	}
	if !changed {
		t.Errorf("%s differs from the matrix in its legend or layout: run with -update and read the diff", matrixFile)
	}
}

// evaluate is one cell: a fresh deployment, the column's setup, what she
// does first, what happens to her, then the action and what it did.
func evaluate(t *testing.T, dir *directory.Directory, c column, a actor) cell {
	t.Helper()
	if c.groupOnly && a.group == 0 {
		return notApplicable
	}
	w := newWorld(t, dir)
	if c.setup != nil {
		c.setup(w)
	}
	for _, s := range c.prep {
		s(w, a)
	}
	if a.after != nil {
		a.after(w)
	}
	w.drain()
	w.before, w.beforeFound = w.requestNow()
	w.own, w.ownFound = w.requestOf(a.chat())
	w.opsBefore, w.grantsBefore = w.ops(), w.grants()
	return c.check(w, a, c.act(w, a))
}

func cellKey(actor, code string) string { return actor + "|" + code }

// Layout of the matrix file.
const (
	nameWidth = 38
	cellWidth = 4
)

// renderMatrix writes the matrix as grids, one per group of actions: a
// row per actor, a column per action, then the legend of the columns.
func renderMatrix(cells map[string]cell) string {
	var b strings.Builder
	b.WriteString(`Authorization matrix of frontdoor: who may do what.

Written by TestAuthorizationMatrix (flows/authz_test.go); any cell that changes fails the test, and
go test ./flows -run TestAuthorizationMatrix -update rewrites this file. Each cell is tried in a
deployment of its own: the actor first does what anyone would do to get there (as she could when she
had her role), then what happens to her happens (a role revoked, a chat removed, an id taken out of
FRONTDOOR_ADMINS), then she acts. Allowed means she got what the column says, as she would notice it:
the answer and the stored state, which must agree.

  Y allowed   - denied   . not applicable (an action in a group)   ! the answer and the state disagree

Centre A is ARCA Cremona, centre B ARCA Crema, both of the network ARCA; the other network is
Amaranta. The operators of centres A and B, and of the other network, receive requests in their
private chats; the members of groups act in their group, and in their private chat where the number
of a request they took arrives.
`)
	for _, g := range columnGroups {
		var cols []column
		for _, c := range matrixColumns {
			if strings.HasPrefix(c.code, g.letter) && strings.Trim(c.code, "0123456789") == g.letter {
				cols = append(cols, c)
			}
		}
		fmt.Fprintf(&b, "\n\n%s\n\n%*s", g.title, nameWidth, "")
		var header strings.Builder
		for _, c := range cols {
			fmt.Fprintf(&header, "%-*s", cellWidth, c.code)
		}
		b.WriteString(strings.TrimRight(header.String(), " ") + "\n")
		for _, a := range actors {
			fmt.Fprintf(&b, "%-*s", nameWidth, a.name)
			var row strings.Builder
			for _, c := range cols {
				fmt.Fprintf(&row, "%-*s", cellWidth, cells[cellKey(a.name, c.code)])
			}
			b.WriteString(strings.TrimRight(row.String(), " ") + "\n")
		}
		b.WriteString("\n")
		for _, c := range cols {
			fmt.Fprintf(&b, "%-*s %s — allowed: %s\n", cellWidth, c.code, c.input, c.allowed)
		}
	}
	return b.String()
}

// parseMatrix reads the cells of a matrix file, to name the cells that
// changed.
func parseMatrix(text string) map[string]cell {
	cells := map[string]cell{}
	var codes []string
	for _, line := range strings.Split(text, "\n") {
		if len(line) <= nameWidth {
			continue
		}
		name, rest := strings.TrimSpace(line[:nameWidth]), line[nameWidth:]
		if name == "" {
			codes = strings.Fields(rest)
			continue
		}
		i := slices.IndexFunc(actors, func(a actor) bool { return a.name == name })
		if i < 0 || codes == nil {
			continue
		}
		for j, code := range codes {
			if start := j * cellWidth; start < len(rest) {
				cells[cellKey(name, code)] = cell(strings.TrimSpace(rest[start:min(start+cellWidth, len(rest))]))
			}
		}
	}
	return cells
}
