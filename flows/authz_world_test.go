package flows_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store/memstore"
)

// The people and chats of the authorization matrix. Centre A is ARCA
// Cremona, centre B ARCA Crema (both of the network ARCA); the other
// network is Amaranta. A private chat's id is its user's id.
const (
	azWoman         int64 = 4242
	azStranger      int64 = 3001
	azStrangerGroup int64 = -3001 // a group nobody linked
	azMemberA       int64 = 7001
	azGroupA        int64 = -1001 // receives centre A's requests
	azMemberGone    int64 = 7004  // a member of centre A's group, which is then removed
	azMemberNet     int64 = 7002
	azGroupNet      int64 = -1002 // receives Amaranta Cinisello's requests
	azOpA           int64 = 601
	azOpB           int64 = 602
	azOpNet         int64 = 603
	azOpUnlinked    int64 = 604
	azOpRevoked     int64 = 605
	azVolunteer     int64 = 606
	azCoord         int64 = 607
	azCoordNet      int64 = 608
	azCoordRevoked  int64 = 609
	azAdmin         int64 = 610
	azBootAdmin     int64 = 611
	azAdminRevoked  int64 = 612
	azBootRemoved   int64 = 613
	azBoss          int64 = 900 // an admin who revokes the others
	azCoordFixture  int64 = 901 // ARCA's coordinator who is not in the rows
	azVolTarget     int64 = 902 // a volunteer of ARCA, whose role the rows try to remove
	azAdminTarget   int64 = 903 // an admin, whose role the rows try to remove
	azCoordNetFix   int64 = 904 // Amaranta's coordinator who is not in the rows
	azColleague     int64 = 7003
	azNewcomer      int64 = 950 // opens an invite a row made
	azNewGroup      int64 = -4004
	azCentreA             = "arca-cremona"
	azCentreB             = "arca-crema"
	azOperatorName        = "Op Rimossa"
	azGroupAName          = "Operatrici Cremona"
	azPhone               = "+39 347 000 0000"
)

// azStaff is who is staff when a cell starts.
var azStaff = map[int64]flows.Staff{
	azOpA:          {Pseudonym: "O-601", Grants: []flows.Grant{{Role: flows.RoleOperator, Network: "arca", Centre: azCentreA}}},
	azOpB:          {Pseudonym: "O-602", Grants: []flows.Grant{{Role: flows.RoleOperator, Network: "arca", Centre: azCentreB}}},
	azOpNet:        {Pseudonym: "O-603", Grants: []flows.Grant{{Role: flows.RoleOperator, Network: "amaranta", Centre: "amaranta-cinisello"}}},
	azOpUnlinked:   {Pseudonym: "O-604", Name: azOperatorName, Grants: []flows.Grant{{Role: flows.RoleOperator, Network: "arca", Centre: azCentreA}}},
	azOpRevoked:    {Pseudonym: "O-605", Grants: []flows.Grant{{Role: flows.RoleOperator, Network: "arca", Centre: azCentreA}}},
	azVolunteer:    {Pseudonym: "V-606", Grants: []flows.Grant{{Role: flows.RoleVolunteer, Network: "arca"}}},
	azCoord:        {Pseudonym: "C-607", Grants: []flows.Grant{{Role: flows.RoleCoordinator, Network: "arca"}}},
	azCoordNet:     {Pseudonym: "C-608", Grants: []flows.Grant{{Role: flows.RoleCoordinator, Network: "amaranta"}}},
	azCoordRevoked: {Pseudonym: "C-609", Grants: []flows.Grant{{Role: flows.RoleCoordinator, Network: "arca"}}},
	azAdmin:        {Pseudonym: "A-610", Grants: []flows.Grant{{Role: flows.RoleAdmin}}},
	azAdminRevoked: {Pseudonym: "A-612", Grants: []flows.Grant{{Role: flows.RoleAdmin}}},
	azBoss:         {Pseudonym: "A-900", Grants: []flows.Grant{{Role: flows.RoleAdmin}}},
	azCoordFixture: {Pseudonym: "C-901", Grants: []flows.Grant{{Role: flows.RoleCoordinator, Network: "arca"}}},
	azVolTarget:    {Pseudonym: "V-902", Grants: []flows.Grant{{Role: flows.RoleVolunteer, Network: "arca"}}},
	azAdminTarget:  {Pseudonym: "A-903", Grants: []flows.Grant{{Role: flows.RoleAdmin}}},
	azCoordNetFix:  {Pseudonym: "C-904", Grants: []flows.Grant{{Role: flows.RoleCoordinator, Network: "amaranta"}}},
}

// azOperators are the chats that receive requests when a cell starts.
var azOperators = []flows.Operator{
	{Chat: azGroupA, Centre: azCentreA, Name: azGroupAName},
	{Chat: azGroupNet, Centre: "amaranta-cinisello", Name: "Operatrici Cinisello"},
	{Chat: azOpA, Centre: azCentreA},
	{Chat: azOpB, Centre: azCentreB, OnCall: true},
	{Chat: azOpNet, Centre: "amaranta-cinisello", OnCall: true},
	{Chat: azOpUnlinked, Centre: azCentreA},
	{Chat: azOpRevoked, Centre: azCentreA},
}

// actor is a row of the matrix: someone who presses, types or sends.
type actor struct {
	name string
	user int64 // her Telegram user id, which is also her private chat
	// group is the group she acts in; 0 when she acts in her private chat.
	group int64
	// after is what happens to her between preparing an action and doing
	// it: a role revoked, a chat removed.
	after func(w *world)
}

// chat is where she acts.
func (a actor) chat() int64 {
	if a.group != 0 {
		return a.group
	}
	return a.user
}

// private is the same person in her private chat, where the number of a
// request she took arrives with its buttons.
func (a actor) private() actor {
	a.group = 0
	return a
}

// actors are the rows of the matrix, in the order shown.
var actors = []actor{
	{name: "woman", user: azWoman},
	{name: "stranger in an unlinked group", user: azStranger, group: azStrangerGroup},
	{name: "member of centre A's group, no role", user: azMemberA, group: azGroupA},
	{name: "member of A's group, group removed", user: azMemberGone, group: azGroupA, after: func(w *world) {
		w.press(azCoordFixture, azCoordFixture, "st.unlinkok:"+w.chatRef(azCentreA, azGroupAName))
	}},
	{name: "operator of centre A", user: azOpA},
	{name: "operator of centre B, on call", user: azOpB},
	{name: "operator of other network, on call", user: azOpNet},
	{name: "member of other network's group", user: azMemberNet, group: azGroupNet},
	{name: "operator, her chat removed", user: azOpUnlinked, after: func(w *world) {
		w.press(azCoordFixture, azCoordFixture, "st.unlinkok:"+w.chatRef(azCentreA, azOperatorName))
	}},
	{name: "operator, her role removed", user: azOpRevoked, after: func(w *world) { w.revoke(azOpRevoked) }},
	{name: "volunteer", user: azVolunteer},
	{name: "coordinator", user: azCoord},
	{name: "coordinator of other network", user: azCoordNet},
	{name: "coordinator, revoked after inviting", user: azCoordRevoked, after: func(w *world) { w.revoke(azCoordRevoked) }},
	{name: "admin", user: azAdmin},
	{name: "admin from FRONTDOOR_ADMINS", user: azBootAdmin},
	{name: "admin, revoked", user: azAdminRevoked, after: func(w *world) { w.revoke(azAdminRevoked) }},
	{name: "admin, taken out of FRONTDOOR_ADMINS", user: azBootRemoved, after: func(w *world) { w.restart(azBootAdmin) }},
}

// world is a fresh deployment for one cell of the matrix: a memory store
// with the staff, the receiving chats, counters of both networks and an
// audit trail of both.
type world struct {
	t   *testing.T
	ctx context.Context
	clk *clock
	st  *memstore.Store
	dir *directory.Directory
	svc *flows.Service
	// ticket is the woman's request, when the column made one; code an
	// invite or link code the column or the actor made.
	ticket, code string
	// before is the request as it stood just before the action.
	before      flows.Callback
	beforeFound bool
	// own is the request of her own chat just before the action.
	own      flows.Callback
	ownFound bool
	// opsBefore are the receiving chats, and grantsBefore how many
	// grants each member of staff held, just before the action.
	opsBefore    []flows.Operator
	grantsBefore map[int64]int
}

// azChart draws nothing: the matrix asks only whether a chart is sent.
type azChart struct{}

func (azChart) Chart(context.Context, []flows.Stat, []string) ([]byte, error) {
	return []byte("PNG"), nil
}

func newWorld(t *testing.T, dir *directory.Directory) *world {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: tuesdayMorning}
	w := &world{t: t, ctx: ctx, clk: clk, st: memstore.NewWithClock(clk.Now), dir: dir}
	for user, s := range azStaff {
		s.Grants = slices.Clone(s.Grants)
		if err := w.st.SaveStaff(ctx, user, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range azOperators {
		if err := w.st.SaveOperator(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	var counts []flows.Count
	for _, c := range []flows.Count{
		{Month: "2027-02", Network: "arca", Centre: azCentreA, Lang: "it", Name: flows.CountRequested},
		{Month: "2027-02", Network: "amaranta", Centre: "amaranta-bresso", Lang: "it", Name: flows.CountRequested},
	} {
		for range 50 {
			counts = append(counts, c)
		}
	}
	if err := w.st.Apply(ctx, flows.Change{Count: counts}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []flows.AuditEntry{
		{At: tuesdayMorning.Add(-48 * time.Hour), Who: "V-902", Network: "arca", Subject: azCentreB, Field: "hours"},
		{At: tuesdayMorning.Add(-24 * time.Hour), Who: "C-904", Network: "amaranta", Subject: "amaranta-bresso", Field: "phones"},
	} {
		if err := w.st.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	w.restart(azBootAdmin, azBootRemoved)
	// A bootstrap admin is recorded at her first staff action.
	w.command(azBootRemoved, azBootRemoved, "/staff")
	return w
}

// restart starts the service again on the same store, with admins as
// FRONTDOOR_ADMINS: what a deployer does to change that list.
func (w *world) restart(admins ...int64) {
	dir := w.dir
	if d, found, err := w.st.Directory(w.ctx); err != nil {
		w.t.Fatal(err)
	} else if found {
		if dir, err = directory.New(d); err != nil {
			w.t.Fatal(err)
		}
	}
	w.svc = flows.NewService(w.st, dir, flows.Options{
		Langs: []string{"it", "en"}, Now: w.clk.Now, Log: slog.New(slog.DiscardHandler),
		Callbacks: w.st, Staff: w.st, Directory: w.st, Admins: admins, Codec: dirfile.Codec{},
		Stats: w.st, Chart: azChart{},
	})
}

func (w *world) do(in flows.Input) flows.Result {
	w.t.Helper()
	res, err := w.svc.Handle(w.ctx, in)
	if err != nil {
		w.t.Fatalf("Handle(%+v): %v", in, err)
	}
	return res
}

// press presses a button with data in chat, as user from.
func (w *world) press(chat, from int64, data string) flows.Result {
	return w.do(flows.Input{Chat: chat, From: from, Group: chat < 0, Kind: flows.KindButton, Data: data, Message: 77})
}

// command types a command line ("/link abc") in chat, as user from.
func (w *world) command(chat, from int64, line string) flows.Result {
	name, args, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	return w.do(flows.Input{Chat: chat, From: from, Group: chat < 0, Kind: flows.KindCommand, Command: name, Args: args, ChatTitle: "Gruppo"})
}

// text types free text in chat, as user from.
func (w *world) text(chat, from int64, s string) flows.Result {
	return w.do(flows.Input{Chat: chat, From: from, Group: chat < 0, Kind: flows.KindText, Text: s})
}

// revoke has the boss remove the role of user through /staff.
func (w *world) revoke(user int64) {
	w.t.Helper()
	if res := w.press(azBoss, azBoss, "st.revokeok:"+w.staffRef(user)); !hasText(res, "staff.revoked") {
		w.t.Fatalf("the boss could not revoke %d: %v", user, ids(res))
	}
}

// staffRef is the handle of a member of staff in button data, as the
// boss's list of roles shows it.
func (w *world) staffRef(user int64) string {
	w.t.Helper()
	pseudonym := azStaff[user].Pseudonym
	res := w.press(azBoss, azBoss, "st.roles")
	for _, r := range res.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if ref, ok := strings.CutPrefix(b.Data, "st.revoke:"); ok && b.Label.Data["Pseudonym"] == pseudonym {
					return ref
				}
			}
		}
	}
	w.t.Fatalf("%s is not in the boss's list of roles", pseudonym)
	return ""
}

// chatRef is the handle of a receiving chat of centre in button data, as
// ARCA's coordinator sees it: the chat listed as name; "gone" when it is
// no longer listed (what happened to the actor removed it).
func (w *world) chatRef(centre, name string) string {
	res := w.press(azCoordFixture, azCoordFixture, "st.chats:"+centre)
	for _, r := range res.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				chat, _ := b.Label.Data["Chat"].(flows.Text)
				if ref, ok := strings.CutPrefix(b.Data, "st.unlink:"); ok && chat.Data["Name"] == name {
					return ref
				}
			}
		}
	}
	return "gone"
}

// closureRef is the handle of centre B's first closure in button data, as
// ARCA's coordinator sees it: "arca-crema/20271224-20271226".
func (w *world) closureRef() string {
	w.t.Helper()
	res := w.press(azCoordFixture, azCoordFixture, "st.closures:"+azCentreB)
	for _, r := range res.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if ref, ok := strings.CutPrefix(b.Data, "st.clrm:"); ok {
					return ref
				}
			}
		}
	}
	w.t.Fatalf("centre B has no closure: %v", ids(res))
	return ""
}

// codeIn is the code an invite or link reply carries, or "".
func codeIn(res flows.Result) string {
	for _, r := range res.Replies {
		for _, tx := range r.Texts {
			switch tx.ID {
			case "staff.invite_created":
				link, _ := tx.Data["Link"].(string)
				_, code, _ := strings.Cut(link, "inv_")
				return code
			case "staff.link_command":
				code, _ := tx.Data["Code"].(string)
				return code
			}
		}
	}
	return ""
}

// request makes the woman's request to target (button data after "cb:")
// for window, and delivers its cards.
func (w *world) request(target, window string) {
	w.t.Helper()
	w.draft(azWoman, azWoman, target, window)
	if res := w.press(azWoman, azWoman, "cb:ok"); !hasText(res, "cb.confirmed.title") {
		w.t.Fatalf("the woman's request was not confirmed: %v", ids(res))
	}
	cb, found, err := w.st.CallbackOf(w.ctx, azWoman)
	if err != nil || !found {
		w.t.Fatalf("the woman's request is not stored: %v", err)
	}
	w.ticket = cb.Ticket
	w.drain()
}

// draft fills in a request up to its summary in chat, as user from.
func (w *world) draft(chat, from int64, target, window string) {
	w.press(chat, from, "cb")
	w.press(chat, from, "cb:"+target)
	w.do(flows.Input{Chat: chat, From: from, Group: chat < 0, Kind: flows.KindContact, Phone: azPhone})
	for _, data := range []string{"cb:w:" + window, "cb:wok", "cb:m:none", "cb:h:yes", "cb:s:wrong"} {
		w.press(chat, from, data)
	}
}

// drain delivers the outbox, so that cards and numbers become messages
// that can be edited, and what an action queues can be told apart.
func (w *world) drain() {
	w.t.Helper()
	out, err := w.st.Pending(w.ctx, 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	for i, o := range out {
		if _, err := w.st.Sent(w.ctx, o, 1000+i); err != nil {
			w.t.Fatal(err)
		}
	}
}

// queued is what is waiting in the outbox.
func (w *world) queued() []flows.Outgoing {
	w.t.Helper()
	out, err := w.st.Pending(w.ctx, 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// numberTo says whether the number of the woman's request waits to be
// sent to chat.
func (w *world) numberTo(chat int64) bool {
	return slices.ContainsFunc(w.queued(), func(o flows.Outgoing) bool {
		return o.Number && !o.Stale && o.Chat == chat && o.Card == w.ticket
	})
}

// told says whether the message id reached chat: in the replies to an
// input of that chat, or through the outbox.
func (w *world) told(res flows.Result, in, chat int64, id string) bool {
	if in == chat && hasText(res, id) {
		return true
	}
	return slices.ContainsFunc(w.queued(), func(o flows.Outgoing) bool {
		return o.Chat == chat && slices.ContainsFunc(o.Reply.Texts, func(t flows.Text) bool { return t.ID == id })
	})
}

// requestNow is the woman's request as stored now.
func (w *world) requestNow() (flows.Callback, bool) {
	w.t.Helper()
	cb, found, err := w.st.Callback(w.ctx, w.ticket)
	if err != nil {
		w.t.Fatal(err)
	}
	return cb, found
}

// requestOf is the request of chat, if any.
func (w *world) requestOf(chat int64) (flows.Callback, bool) {
	w.t.Helper()
	cb, found, err := w.st.CallbackOf(w.ctx, chat)
	if err != nil {
		w.t.Fatal(err)
	}
	return cb, found
}

// ops are the receiving chats.
func (w *world) ops() []flows.Operator {
	w.t.Helper()
	ops, err := w.st.Operators(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return ops
}

// operator is the receiving chat chat, if it is one.
func (w *world) operator(chat int64) (flows.Operator, bool) {
	ops := w.ops()
	i := slices.IndexFunc(ops, func(op flows.Operator) bool { return op.Chat == chat })
	if i < 0 {
		return flows.Operator{}, false
	}
	return ops[i], true
}

// receives says whether chat receives the requests of centre.
func (w *world) receives(chat int64, centre string) bool {
	op, ok := w.operator(chat)
	return ok && op.Centre == centre
}

// nowReceives says whether chat receives the requests of centre since
// the action.
func (w *world) nowReceives(chat int64, centre string) bool {
	return w.receives(chat, centre) && !w.receivedBefore(chat, centre)
}

// receivedBefore says whether chat received the requests of centre just
// before the action.
func (w *world) receivedBefore(chat int64, centre string) bool {
	return slices.ContainsFunc(w.opsBefore, func(op flows.Operator) bool { return op.Chat == chat && op.Centre == centre })
}

// setOnCall puts every receiving chat on or off call.
func (w *world) setOnCall(on bool) {
	for _, op := range w.ops() {
		op.OnCall = on
		if err := w.st.SaveOperator(w.ctx, op); err != nil {
			w.t.Fatal(err)
		}
	}
}

// member is what the store keeps of user as staff.
func (w *world) member(user int64) flows.Staff {
	w.t.Helper()
	s, _, err := w.st.Staff(w.ctx, user)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// hasGrant says whether user holds g.
func (w *world) hasGrant(user int64, g flows.Grant) bool {
	return slices.ContainsFunc(w.member(user).Grants, func(h flows.Grant) bool {
		return h.Role == g.Role && h.Network == g.Network && h.Centre == g.Centre
	})
}

// grants counts the grants of every member of staff.
func (w *world) grants() map[int64]int {
	w.t.Helper()
	list, err := w.st.ListStaff(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[int64]int{}
	for _, e := range list {
		out[e.Chat] = len(e.Staff.Grants)
	}
	return out
}

// grantsChanged says whether the action gave (more) or took away (less)
// a grant of anyone but except, whose own grants what FRONTDOOR_ADMINS
// says may change at any action of hers.
func (w *world) grantsChanged(more bool, except int64) bool {
	now := w.grants()
	for user := range now {
		if more && user != except && now[user] > w.grantsBefore[user] {
			return true
		}
	}
	for user := range w.grantsBefore {
		if !more && user != except && now[user] < w.grantsBefore[user] {
			return true
		}
	}
	return false
}

// centre is a centre of the directory in use, which must be the one kept.
func (w *world) centre(id string) (directory.Centre, bool) {
	w.t.Helper()
	inUse, ok := w.svc.Directory().Centre(id)
	kept := w.dir.Data()
	if d, found, err := w.st.Directory(w.ctx); err != nil {
		w.t.Fatal(err)
	} else if found {
		kept = d
	}
	i := slices.IndexFunc(kept.Centres, func(c directory.Centre) bool { return c.ID == id })
	if (i >= 0) != ok || ok && len(directory.Diff(directory.Data{Centres: []directory.Centre{*inUse}}, directory.Data{Centres: kept.Centres[i : i+1]})) > 0 {
		w.t.Errorf("the directory in use and the one kept differ on %s", id)
	}
	if !ok {
		return directory.Centre{}, false
	}
	return *inUse, true
}

// original is a centre as the sample has it.
func (w *world) original(id string) directory.Centre {
	c, _ := w.dir.Centre(id)
	return *c
}

// editDirectory changes the kept directory and puts it in use.
func (w *world) editDirectory(f func(*directory.Data)) {
	w.t.Helper()
	d := w.svc.Directory().Data()
	f(&d)
	dir, err := directory.New(d)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.st.SaveDirectory(w.ctx, d); err != nil {
		w.t.Fatal(err)
	}
	w.svc.SetDirectory(dir)
}

// session is what the bot remembers of chat.
func (w *world) session(chat int64) flows.Session {
	w.t.Helper()
	s, _, err := w.st.Session(w.ctx, chat)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// document is the file a reply sends, or nil.
func document(res flows.Result) *flows.Document {
	for _, r := range res.Replies {
		if r.Document != nil {
			return r.Document
		}
	}
	return nil
}

// fileNetworks are the networks of a directory file.
func fileNetworks(t *testing.T, doc *flows.Document) []string {
	if doc == nil {
		return nil
	}
	d, err := dirfile.Decode(bytes.NewReader(doc.Data))
	if err != nil {
		t.Fatalf("the exported file does not read back: %v", err)
	}
	var out []string
	for _, n := range d.Networks {
		out = append(out, n.ID)
	}
	return out
}

// dataOf is the value of key in the first text id of the replies.
func dataOf(res flows.Result, id, key string) string {
	for _, r := range res.Replies {
		for _, tx := range r.Texts {
			if tx.ID == id {
				return fmt.Sprint(tx.Data[key])
			}
		}
	}
	return ""
}

// listed says whether a reply lists an item id whose key shows value
// (as it is, or within the text it is made of).
func listed(res flows.Result, id, key, value string) bool {
	for _, r := range res.Replies {
		for _, tx := range r.Texts {
			if tx.ID == id && strings.Contains(fmt.Sprint(tx.Data[key]), value) {
				return true
			}
		}
	}
	return false
}
