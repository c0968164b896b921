package flows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store/memstore"
)

// The members of staff of the tests, by Telegram user id.
const (
	public       = 500
	operatorCrem = 501 // operator of ARCA Crema
	volArca      = 502
	coordArca    = 503
	volAmaranta  = 504
	bootAdmin    = 505 // from FRONTDOOR_ADMINS
)

func staffService(t testing.TB) (*flows.Service, *memstore.Store) {
	t.Helper()
	st := memstore.New()
	ctx := context.Background()
	for user, g := range map[int64]flows.Grant{
		operatorCrem: {Role: flows.RoleOperator, Network: "arca", Centre: "arca-crema"},
		volArca:      {Role: flows.RoleVolunteer, Network: "arca"},
		coordArca:    {Role: flows.RoleCoordinator, Network: "arca"},
		volAmaranta:  {Role: flows.RoleVolunteer, Network: "amaranta"},
	} {
		if err := st.SaveStaff(ctx, user, flows.Staff{Pseudonym: "P-" + string(rune('A'+user-500)), Grants: []flows.Grant{g}}); err != nil {
			t.Fatal(err)
		}
	}
	svc := flows.NewService(st, sampleDir(t), flows.Options{
		Langs: []string{"it", "en"}, Now: func() time.Time { return tuesdayMorning },
		Staff: st, Directory: st, Admins: []int64{bootAdmin}, Codec: dirfile.Codec{},
	})
	return svc, st
}

// TestStaffAuthorization tries every staff action as every role and as a
// member of the public: only the allowed ones act; the others fall back to a
// screen that changes nothing (the staff menu, or the ordinary menu for the
// public, as if staff commands did not exist).
func TestStaffAuthorization(t *testing.T) {
	const (
		menu     = "menu.title" // the public's menu: "unknown input"
		staff    = "staff.menu_title"
		centres  = "staff.centres_title"
		edit     = "staff.edit_title"
		hours    = "staff.prompt_hours"
		invite   = "staff.invite_role"
		invited  = "staff.invite_created"
		roles    = "staff.roles_title"
		audit    = "staff.audit_title"
		noAccess = ""
	)
	users := []int64{public, operatorCrem, volArca, coordArca, volAmaranta, bootAdmin}
	for _, tc := range []struct {
		action string
		want   [6]string // in the order of users
	}{
		{"/staff", [6]string{menu, staff, staff, staff, staff, staff}},
		{"st.menu", [6]string{menu, staff, staff, staff, staff, staff}},
		{"st.centres", [6]string{menu, staff, centres, centres, centres, centres}},
		{"st.edit:arca-crema", [6]string{menu, staff, edit, edit, centres, edit}},
		{"st.hours:arca-crema", [6]string{menu, staff, hours, hours, centres, hours}},
		{"st.closure:amaranta-bresso", [6]string{menu, staff, centres, centres, "staff.prompt_closure", "staff.prompt_closure"}},
		{"st.invite", [6]string{menu, staff, staff, invite, staff, invite}},
		{"st.invite:volunteer/arca", [6]string{menu, staff, staff, invited, staff, invited}},
		{"st.invite:volunteer/amaranta", [6]string{menu, staff, staff, "staff.invite_where", staff, invited}},
		{"st.invite:admin", [6]string{menu, staff, staff, invite, staff, invited}},
		{"st.invite:operator/arca-crema", [6]string{menu, staff, staff, invited, staff, invited}},
		{"/roles", [6]string{menu, staff, staff, roles, staff, roles}},
		{"/audit", [6]string{menu, staff, audit, audit, audit, audit}},
		{"st.export", [6]string{menu, staff, "staff.export_caption", "staff.export_caption", "staff.export_caption", "staff.export_caption"}},
		{"st.import", [6]string{menu, staff, staff, staff, staff, staff}}, // nothing pending
	} {
		for i, user := range users {
			svc, _ := staffService(t)
			in := flows.Input{Chat: user, Kind: flows.KindButton, Data: tc.action}
			if cmd, ok := strings.CutPrefix(tc.action, "/"); ok {
				in = flows.Input{Chat: user, Kind: flows.KindCommand, Command: cmd}
			}
			handle(t, svc, flows.Input{Chat: user, Kind: flows.KindCommand, Command: "start"})
			res := handle(t, svc, in)
			if !hasText(res, tc.want[i]) {
				t.Errorf("%s by user %d: want %s, got %+v", tc.action, user, tc.want[i], ids(res))
			}
		}
	}
}

func ids(res flows.Result) []string {
	var out []string
	for _, r := range res.Replies {
		for _, t := range r.Texts {
			out = append(out, t.ID)
		}
	}
	return out
}

// TestVolunteerEditsHours: a volunteer types new hours, sees a preview,
// saves; a woman sees the new hours at once and the audit trail has it.
func TestVolunteerEditsHours(t *testing.T) {
	svc, st := staffService(t)
	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.hours:arca-crema"})
	res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: "lun-ven 9-13 e 14-17"})
	if !hasText(res, "staff.preview_hours") || !hasText(res, "staff.preview_card") {
		t.Fatalf("no preview: %v", ids(res))
	}
	// Before saving, women still see the old hours.
	if card := cardToday(t, svc); card != "14:00–18:00" {
		t.Errorf("before saving, today's hours are %q", card)
	}
	res = handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.ok"})
	if !hasText(res, "staff.saved") {
		t.Fatalf("not saved: %v", ids(res))
	}
	if card := cardToday(t, svc); card != "9:00–13:00, 14:00–17:00" {
		t.Errorf("after saving, a woman sees today %q", card)
	}
	d, found, _ := st.Directory(context.Background())
	if !found || len(d.Centres) != 5 {
		t.Fatalf("the edit was not stored: %v", found)
	}
	entries, _ := st.Audit(context.Background(), "arca", 5)
	if len(entries) != 1 || entries[0].Who != "P-C" || entries[0].Subject != "arca-crema" || entries[0].Field != "hours" ||
		!strings.HasPrefix(entries[0].Before, "Mon 9:00–13:00; Tue 14:00–18:00") || !strings.HasPrefix(entries[0].After, "Mon 9:00–13:00, 14:00–17:00; Tue") {
		t.Errorf("audit: %+v", entries)
	}
}

// cardToday returns today's hours on the Crema card as a woman sees it.
func cardToday(t *testing.T, svc *flows.Service) string {
	res := handle(t, svc, flows.Input{Chat: public, Kind: flows.KindButton, Data: "c:arca-crema"})
	for _, tx := range res.Replies[0].Texts {
		if tx.ID == "card.today" {
			return tx.Data["Hours"].(string)
		}
	}
	t.Fatalf("no hours on the card: %v", ids(res))
	return ""
}

func TestVolunteerTypingMistakes(t *testing.T) {
	svc, _ := staffService(t)
	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.hours:arca-crema"})
	res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: "lun-vex 9-13"})
	if !hasText(res, "staff.input_error") || !hasText(res, "staff.prompt_again_hours") {
		t.Fatalf("a typo must be explained and asked again: %v", ids(res))
	}
	why := res.Replies[0].Texts[0]
	if why.Data["Part"] != "vex" || why.Data["Why"].(flows.Text).ID != "parse.unknown_day" {
		t.Errorf("the error must point at the wrong part: %+v", why)
	}
	// Still waiting for hours: the corrected text is read.
	if res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: "lun-ven 9-13"}); !hasText(res, "staff.preview_hours") {
		t.Errorf("the corrected hours were not read: %v", ids(res))
	}

	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.closure:arca-crema"})
	res = handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: "chiuso 31/02/2027"})
	if !hasText(res, "staff.input_error") {
		t.Fatalf("a wrong date must be explained: %v", ids(res))
	}
	res = handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: "chiuso 10/08/2027-20/08/2027 ferie estive"})
	if !hasText(res, "staff.preview_closure") {
		t.Fatalf("no closure preview: %v", ids(res))
	}
	if res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.ok"}); !hasText(res, "staff.saved") {
		t.Fatalf("closure not saved: %v", ids(res))
	}
	c, _ := svc.Directory().Centre("arca-crema")
	if len(c.Closures) != 1 || c.Closures[0].Reason != "ferie estive" {
		t.Errorf("closures: %+v", c.Closures)
	}
}

// TestInvite: a coordinator invites a volunteer; the link works once, for
// the person who opens it first; the new volunteer can edit at once.
func TestInvite(t *testing.T) {
	svc, st := staffService(t)
	res := handle(t, svc, flows.Input{Chat: coordArca, Kind: flows.KindButton, Data: "st.invite:volunteer/arca"})
	var link string
	for _, tx := range res.Replies[0].Texts {
		if tx.ID == "staff.invite_created" {
			link = tx.Data["Link"].(string)
		}
	}
	code, ok := strings.CutPrefix(link, "/start ")
	if !ok {
		t.Fatalf("link %q", link)
	}
	const newcomer = 600
	start := flows.Input{Chat: newcomer, Kind: flows.KindCommand, Command: "start", Args: code}
	if res := handle(t, svc, start); !hasText(res, "staff.invite_welcome") {
		t.Fatalf("the invite did not work: %v", ids(res))
	}
	if res := handle(t, svc, flows.Input{Chat: newcomer, Kind: flows.KindButton, Data: "st.hours:arca-cremona"}); !hasText(res, "staff.prompt_hours") {
		t.Errorf("the new volunteer cannot edit: %v", ids(res))
	}
	start.Chat = 601
	if res := handle(t, svc, start); !hasText(res, "staff.invite_invalid") || !hasText(res, "welcome.hello") {
		t.Errorf("an invite worked twice: %v", ids(res))
	}
	if _, found, _ := st.Staff(context.Background(), 601); found {
		t.Errorf("the second person became staff")
	}
	entries, _ := st.Audit(context.Background(), "arca", 5)
	if len(entries) != 1 || entries[0].Field != "role" || entries[0].Who != "P-D" {
		t.Errorf("audit of the grant: %+v", entries)
	}
}

func TestRevoke(t *testing.T) {
	svc, st := staffService(t)
	list, _ := st.ListStaff(context.Background())
	var ref string
	for _, e := range list {
		if e.Staff.Pseudonym == "P-C" { // volArca
			ref = e.Ref
		}
	}
	if res := handle(t, svc, flows.Input{Chat: coordArca, Kind: flows.KindButton, Data: "st.revoke:" + ref}); !hasText(res, "staff.revoke_ask") {
		t.Fatalf("no confirmation asked: %v", ids(res))
	}
	if res := handle(t, svc, flows.Input{Chat: volAmaranta, Kind: flows.KindButton, Data: "st.revokeok:" + ref}); hasText(res, "staff.revoked") {
		t.Fatalf("a volunteer of another network revoked a member")
	}
	if res := handle(t, svc, flows.Input{Chat: coordArca, Kind: flows.KindButton, Data: "st.revokeok:" + ref}); !hasText(res, "staff.revoked") {
		t.Fatalf("not revoked: %v", ids(res))
	}
	if res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.hours:arca-crema"}); hasText(res, "staff.prompt_hours") {
		t.Errorf("a revoked volunteer can still edit")
	}
}

// TestImportByAdmin: an admin's file is the whole directory; a bad file
// says what is wrong and changes nothing; the same file changes nothing.
func TestImportByAdmin(t *testing.T) {
	svc, st := staffService(t)
	export := handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindButton, Data: "st.export"})
	file := export.Replies[0].Document.Data
	if !strings.Contains(string(file), "arca-cremona") || !strings.Contains(string(file), "amaranta-bresso") {
		t.Fatalf("an admin's export must hold every network")
	}
	upload := func(data string) flows.Result {
		return handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindDocument, Document: []byte(data), DocumentName: "d.toml"})
	}
	if res := upload(string(file)); !hasText(res, "staff.import_same") {
		t.Errorf("the same file: %v", ids(res))
	}
	bad := strings.Replace(string(file), `"+390000000111"`, `"telefono"`, 1)
	res := upload(bad)
	line := strings.Count(bad[:strings.Index(bad, `"telefono"`)], "\n") + 1
	want := fmt.Sprintf("riga %d · centro «arca-crema» · phones «telefono»: non è un numero di telefono", line)
	if !hasText(res, "staff.import_invalid") || !strings.Contains(rendered(t, res, "it"), want) {
		t.Errorf("a bad file, want %q in:\n%s", want, rendered(t, res, "it"))
	}
	if res := handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindButton, Data: "st.import"}); hasText(res, "staff.imported") {
		t.Errorf("a refused file could still be imported")
	}
	renamed := strings.Replace(string(file), "Amaranta – Cinisello Balsamo e Bresso", "Amaranta", 1)
	renamed = strings.Replace(renamed, "sample = true", "sample = false", 1)
	if res := upload(renamed); !hasText(res, "staff.import_changed") {
		t.Fatalf("no change shown: %v", ids(res))
	}
	if res := handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindButton, Data: "st.import"}); !hasText(res, "staff.imported") {
		t.Fatalf("not imported: %v", ids(res))
	}
	if n, _ := svc.Directory().Network("amaranta"); n.Name != "Amaranta" || svc.Directory().Sample() {
		t.Errorf("after the import: %+v, sample %v", n, svc.Directory().Sample())
	}
	if entries, _ := st.Audit(context.Background(), "", 10); len(entries) != 2 {
		t.Errorf("audit of the import: %+v", entries)
	}
	if res := handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindDocument, DocumentName: "huge.toml"}); !hasText(res, "staff.import_too_large") {
		t.Errorf("a file not downloaded: %v", ids(res))
	}
}

// TestVolunteerAddsCentre: the guided dialogue asks each field, checks it,
// previews the card and saves; a woman finds the new centre at once.
func TestVolunteerAddsCentre(t *testing.T) {
	svc, st := staffService(t)
	say := func(in flows.Input) flows.Result {
		in.Chat = volAmaranta
		return handle(t, svc, in)
	}
	text := func(s string) flows.Result { return say(flows.Input{Kind: flows.KindText, Text: s}) }
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.add:arca"}); hasText(res, "staff.field_prompt_new") {
		t.Fatalf("a volunteer of Amaranta may not add to ARCA")
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.add:amaranta"}); !hasText(res, "staff.field_example_name") {
		t.Fatalf("no name asked: %v", ids(res))
	}
	text("Sportello Cusano")
	text("Cusano Milanino")
	if res := text("riservato"); !hasText(res, "staff.field_example_lat") || !res.Replies[0].AskLocation {
		t.Fatalf("no location asked with a location button: %v", ids(res))
	}
	if res := text("450, 9"); !hasText(res, "staff.input_error") {
		t.Fatalf("a wrong location was accepted: %v", ids(res))
	}
	say(flows.Input{Kind: flows.KindLocation, Lat: 45.5497, Lon: 9.1842})
	if res := text("abc"); !hasText(res, "staff.input_error") {
		t.Fatalf("a wrong phone was accepted: %v", ids(res))
	}
	text("02 123 4567")
	text("Cusano Milanino, Cormano")
	if res := text("it, xx"); !hasText(res, "staff.input_error") {
		t.Fatalf("a wrong language was accepted")
	}
	res := text("it, en")
	if !hasText(res, "staff.add_confirm") || !hasText(res, "card.address_by_phone") {
		t.Fatalf("no preview: %v", ids(res))
	}
	if !hasText(res, "staff.coarse_position") {
		t.Errorf("she is not told that the exact position of a confidential centre is not kept: %v", ids(res))
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.addok"}); !hasText(res, "staff.added") {
		t.Fatalf("not added: %v", ids(res))
	}
	c, ok := svc.Directory().Centre("amaranta-cusano-milanino")
	// Confidential: kept at the point of its comune, not where she was.
	if !ok || c.Phones[0] != "+39021234567" || !c.AddressConfidential || len(c.Towns) != 2 || c.Lat != 45.55 || c.Lon != 9.18333 || !c.Draft {
		t.Fatalf("stored centre: %+v", c)
	}
	if _, centres := svc.Directory().FindTown("Cusano Milanino"); slices.ContainsFunc(centres, func(c *directory.Centre) bool { return c.ID == "amaranta-cusano-milanino" }) {
		t.Fatalf("a woman finds the draft")
	}
	// Without hours it cannot be published.
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.publish:amaranta-cusano-milanino"}); !hasText(res, "staff.publish_missing") {
		t.Fatalf("a draft without hours was offered for publishing: %v", ids(res))
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.hours:amaranta-cusano-milanino"})
	text("lun, mer, ven 9-12")
	say(flows.Input{Kind: flows.KindButton, Data: "st.ok"})
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.publish:amaranta-cusano-milanino"}); !hasText(res, "staff.publish_ask") {
		t.Fatalf("no confirmation asked: %v", ids(res))
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.publishok:amaranta-cusano-milanino"}); !hasText(res, "staff.published") {
		t.Fatalf("not published: %v", ids(res))
	}
	town, centres := svc.Directory().FindTown("cormano")
	if town != "Cormano" || !slices.ContainsFunc(centres, func(c *directory.Centre) bool { return c.ID == "amaranta-cusano-milanino" }) {
		t.Errorf("a woman does not find it: %q %v", town, centres)
	}
	if e, _ := st.Audit(context.Background(), "amaranta", 5); len(e) != 3 || e[2].Field != "centre" || e[1].Field != "hours" || e[0].Field != "publish" {
		t.Errorf("audit: %+v", e)
	}
}

// TestVolunteerEditsShortName: the short name of buttons and lists is
// set from the bot, refused when too long for a button, and cleared with
// "-"; the women's lists show it at once.
func TestVolunteerEditsShortName(t *testing.T) {
	svc, _ := staffService(t)
	say := func(in flows.Input) flows.Result {
		in.Chat = volArca
		return handle(t, svc, in)
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.field:arca-crema/short_name"})
	if res := say(flows.Input{Kind: flows.KindText, Text: strings.Repeat("x", 33)}); !hasText(res, "staff.input_error") {
		t.Errorf("a short name too long for a button was accepted: %v", ids(res))
	}
	if res := say(flows.Input{Kind: flows.KindText, Text: "Sportello Crema"}); !hasText(res, "staff.confirm") {
		t.Fatalf("no preview: %v", ids(res))
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.fieldok"})
	if c, _ := svc.Directory().Centre("arca-crema"); c.Label() != "Sportello Crema" {
		t.Errorf("label after saving: %q", c.Label())
	}
	handle(t, svc, flows.Input{Chat: public, Kind: flows.KindCommand, Command: "start"})
	res := handle(t, svc, flows.Input{Chat: public, Kind: flows.KindButton, Data: "net:arca"})
	if !slices.ContainsFunc(res.Replies, func(r flows.Reply) bool {
		return slices.ContainsFunc(r.Texts, func(t flows.Text) bool {
			return fmt.Sprint(t.Data) != "" && strings.Contains(fmt.Sprint(t.Data), "Sportello Crema")
		})
	}) {
		t.Errorf("her list does not show the short name: %+v", res.Replies)
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.field:arca-crema/short_name"})
	say(flows.Input{Kind: flows.KindText, Text: "-"})
	say(flows.Input{Kind: flows.KindButton, Data: "st.fieldok"})
	if c, _ := svc.Directory().Centre("arca-crema"); c.ShortName != "" {
		t.Errorf("short name after \"-\": %q", c.ShortName)
	}
}

func TestVolunteerEditsFieldsAndDeletes(t *testing.T) {
	svc, st := staffService(t)
	say := func(in flows.Input) flows.Result {
		in.Chat = volArca
		return handle(t, svc, in)
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.field:arca-crema/phones"})
	if res := say(flows.Input{Kind: flows.KindText, Text: "0373 654321, +39 333 1112223"}); !hasText(res, "staff.confirm") {
		t.Fatalf("no preview: %v", ids(res))
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.fieldok"})
	c, _ := svc.Directory().Centre("arca-crema")
	if strings.Join(c.Phones, " ") != "+390373654321 +393331112223" {
		t.Errorf("phones: %v", c.Phones)
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.field:arca-crema/town"})
	if res := say(flows.Input{Kind: flows.KindText, Text: strings.Repeat("x", 600)}); !hasText(res, "staff.input_error") {
		t.Errorf("a huge value was accepted")
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.field:arca-crema/services"})
	say(flows.Input{Kind: flows.KindButton, Data: "st.tog:groups"})
	say(flows.Input{Kind: flows.KindButton, Data: "st.tog:legal"}) // on, then off below
	say(flows.Input{Kind: flows.KindButton, Data: "st.tog:legal"})
	if c, _ := svc.Directory().Centre("arca-crema"); slices.Contains(c.Services, "groups") {
		t.Errorf("a toggle changed the centre before saving")
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.togdone"}); !hasText(res, "staff.preview_card") {
		t.Fatalf("no preview of the services: %v", ids(res))
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.fieldok"})
	if c, _ := svc.Directory().Centre("arca-crema"); !slices.Contains(c.Services, "groups") || !slices.Contains(c.Services, "legal") {
		t.Errorf("services after saving: %v", c.Services)
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.closure:arca-crema"})
	say(flows.Input{Kind: flows.KindText, Text: "chiuso 1/8/2027-20/8/2027"})
	say(flows.Input{Kind: flows.KindButton, Data: "st.ok"})
	// The buttons of a closure name it by its days; those made before
	// the short form, by its dates, still work.
	var remove string
	for _, row := range say(flows.Input{Kind: flows.KindButton, Data: "st.closures:arca-crema"}).Replies[0].Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "st.clrm:") {
				remove = b.Data
			}
		}
	}
	if remove != "st.clrm:arca-crema/7ru-7sd" {
		t.Errorf("the closure's remove button carries %q", remove)
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: remove}); !hasText(res, "staff.closure_remove_ask") {
		t.Fatalf("a closure removed without asking: %v", ids(res))
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.clrm:arca-crema/20270801-20270820"}); !hasText(res, "staff.closure_remove_ask") {
		t.Fatalf("a closure removed without asking: %v", ids(res))
	}
	if c, _ := svc.Directory().Centre("arca-crema"); len(c.Closures) != 1 {
		t.Fatalf("closures before confirming: %v", c.Closures)
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.clrmok:arca-crema/20270801-20270820"})
	if c, _ := svc.Directory().Centre("arca-crema"); len(c.Closures) != 0 {
		t.Errorf("closures after confirming: %v", c.Closures)
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.delete:arca-crema"}); !hasText(res, "staff.delete_ask") {
		t.Fatalf("no confirmation: %v", ids(res))
	}
	if _, ok := svc.Directory().Centre("arca-crema"); !ok {
		t.Fatalf("deleted before confirmation")
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.deleteok:arca-crema"})
	if _, ok := svc.Directory().Centre("arca-crema"); ok {
		t.Errorf("not deleted")
	}
	if e, _ := st.Audit(context.Background(), "arca", 10); len(e) != 5 {
		t.Errorf("audit: %d entries, want phones, services, closure added, closure removed, delete", len(e))
	}
}

// TestAuditReadsAsPeopleSpeak: the audit names the centre, the field and
// the weekdays in her language, and the member of staff by the name she
// chose, with her pseudonym.
func TestAuditReadsAsPeopleSpeak(t *testing.T) {
	svc, st := staffService(t)
	ctx := context.Background()
	me, _, _ := st.Staff(ctx, volArca)
	me.Name = "Giulia C."
	if err := st.SaveStaff(ctx, volArca, me); err != nil {
		t.Fatal(err)
	}
	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.hours:arca-crema"})
	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: "lun-ven 9-13"})
	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.ok"})
	res := handle(t, svc, flows.Input{Chat: coordArca, Kind: flows.KindCommand, Command: "audit"})
	for lang, want := range map[string]string{
		"it": "16 marzo 10:30 · Giulia C. (P-C) · Centro antiviolenza ARCA – Crema · Orari: lunedì: 9:00–13:00; martedì: 14:00–18:00;",
		"en": "16 March 10:30 · Giulia C. (P-C) · Centro antiviolenza ARCA – Crema · Hours: Monday: 9:00–13:00; Tuesday: 14:00–18:00;",
	} {
		if got := rendered(t, res, lang); !strings.Contains(got, want) {
			t.Errorf("%s: want %q in\n%s", lang, want, got)
		}
	}
}

// TestLongestIDsHaveButtons: with a network and a centre whose ids have
// the longest length allowed, every screen that lists them still has a
// button for them. (That their data fits Telegram's buttons is the
// Telegram adapter's test: bot.TestButtonDataFitsTelegram.)
func TestLongestIDsHaveButtons(t *testing.T) {
	netID, centreID := strings.Repeat("n", directory.MaxIDLen), strings.Repeat("c", directory.MaxIDLen)
	data := directory.Data{
		Networks: []directory.Network{{ID: netID, Name: "Rete"}},
		Centres: []directory.Centre{{ID: centreID, Network: netID, Name: "Centro", Town: "Crema", Lat: 45.36, Lon: 9.68,
			Phones: []string{"+390373000000"}, Hours: directory.Week{time.Tuesday: {{Open: 0, Close: 1440}}}}},
	}
	dir, err := directory.New(data)
	if err != nil {
		t.Fatal(err)
	}
	st := memstore.New()
	svc := flows.NewService(st, dir, flows.Options{Langs: []string{"it"}, Now: func() time.Time { return tuesdayMorning },
		Staff: st, Directory: st, Admins: []int64{bootAdmin}, Codec: dirfile.Codec{}})
	seen := map[string]bool{}
	for _, in := range []flows.Input{
		{Kind: flows.KindCommand, Command: "start"},
		{Kind: flows.KindButton, Data: "find"},
		{Kind: flows.KindText, Text: "Crema"},
		{Kind: flows.KindButton, Data: "c:" + centreID},
		{Kind: flows.KindButton, Data: "open"},
		{Kind: flows.KindCommand, Command: "staff"},
		{Kind: flows.KindButton, Data: "st.centres"},
		{Kind: flows.KindButton, Data: "st.edit:" + centreID},
		{Kind: flows.KindButton, Data: "st.delete:" + centreID},
		{Kind: flows.KindButton, Data: "st.invite:coordinator"},
		{Kind: flows.KindButton, Data: "st.invite:operator"},
	} {
		in.Chat, in.From = bootAdmin, bootAdmin
		for _, r := range handle(t, svc, in).Replies {
			for _, row := range r.Buttons {
				for _, b := range row {
					seen[b.Data] = true
				}
			}
		}
	}
	for _, want := range []string{"c:" + centreID, "st.edit:" + centreID, "st.field:" + centreID + "/languages",
		"st.invite:coordinator/" + netID, "st.invite:operator/" + centreID, "st.add:" + netID, "st.deleteok:" + centreID} {
		if !seen[want] {
			t.Errorf("no button %q", want)
		}
	}
}

// inviteLink has staff member from create an invite with data and returns
// the /start arguments that open it.
func inviteLink(t *testing.T, svc *flows.Service, from int64, data string) string {
	t.Helper()
	res := handle(t, svc, flows.Input{Chat: from, Kind: flows.KindButton, Data: data})
	for _, r := range res.Replies {
		for _, tx := range r.Texts {
			if tx.ID == "staff.invite_created" {
				code, _ := strings.CutPrefix(tx.Data["Link"].(string), "/start ")
				return code
			}
		}
	}
	t.Fatalf("no invite for %q: %v", data, ids(res))
	return ""
}

// TestInviteOfRevokedStaff: an invite gives a role only while the one who
// made it may still give it; revoking her also voids the links she left.
func TestInviteOfRevokedStaff(t *testing.T) {
	svc, st := staffService(t)
	pending := inviteLink(t, svc, coordArca, "st.invite:volunteer/arca")
	kept := inviteLink(t, svc, bootAdmin, "st.invite:volunteer/arca")
	list, _ := st.ListStaff(context.Background())
	for _, e := range list {
		if e.Staff.Pseudonym == "P-D" { // coordArca
			handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindButton, Data: "st.revokeok:" + e.Ref})
		}
	}
	const newcomer, other = 610, 611
	if res := handle(t, svc, flows.Input{Chat: newcomer, Kind: flows.KindCommand, Command: "start", Args: pending}); !hasText(res, "staff.invite_invalid") {
		t.Errorf("the invite of a revoked coordinator worked: %v", ids(res))
	}
	if _, found, _ := st.Staff(context.Background(), newcomer); found {
		t.Errorf("the newcomer became staff through a revoked coordinator's link")
	}
	if res := handle(t, svc, flows.Input{Chat: other, Kind: flows.KindCommand, Command: "start", Args: kept}); !hasText(res, "staff.invite_welcome") {
		t.Errorf("the invite of an admin still in office did not work: %v", ids(res))
	}
}

// TestAdminRemovedFromList: an admin who is one only because her id was
// in FRONTDOOR_ADMINS stops being one when it is taken out; an admin she
// invited stays one.
func TestAdminRemovedFromList(t *testing.T) {
	svc, st := staffService(t)
	const invited = 620
	code := inviteLink(t, svc, bootAdmin, "st.invite:admin")
	if res := handle(t, svc, flows.Input{Chat: invited, Kind: flows.KindCommand, Command: "start", Args: code}); !hasText(res, "staff.invite_welcome") {
		t.Fatalf("admin invite: %v", ids(res))
	}
	later := flows.NewService(st, sampleDir(t), flows.Options{
		Langs: []string{"it", "en"}, Now: func() time.Time { return tuesdayMorning },
		Staff: st, Directory: st, Codec: dirfile.Codec{},
	})
	if res := handle(t, later, flows.Input{Chat: bootAdmin, Kind: flows.KindCommand, Command: "staff"}); hasText(res, "staff.menu_title") {
		t.Errorf("taken out of FRONTDOOR_ADMINS, she still has the staff menu: %v", ids(res))
	}
	if res := handle(t, later, flows.Input{Chat: invited, Kind: flows.KindButton, Data: "st.invite"}); !hasText(res, "staff.invite_role") {
		t.Errorf("the admin she invited lost her rights: %v", ids(res))
	}
}

// TestRevokeListedAdmin: an admin of FRONTDOOR_ADMINS cannot be revoked
// from the bot (her role would come back at her next action); she is told
// so instead of "removed".
func TestRevokeListedAdmin(t *testing.T) {
	svc, st := staffService(t)
	const invited = 620
	code := inviteLink(t, svc, bootAdmin, "st.invite:admin")
	handle(t, svc, flows.Input{Chat: invited, Kind: flows.KindCommand, Command: "start", Args: code})
	entries, err := st.ListStaff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(entries, func(e flows.StaffEntry) bool { return e.Chat == bootAdmin })
	if i < 0 {
		t.Fatal("the listed admin is not on staff")
	}
	for _, data := range []string{"st.revoke:" + entries[i].Ref, "st.revokeok:" + entries[i].Ref} {
		res := handle(t, svc, flows.Input{Chat: invited, Kind: flows.KindButton, Data: data})
		if !hasText(res, "staff.revoke_listed") || hasText(res, "staff.revoked") {
			t.Errorf("%s: %v", data, ids(res))
		}
	}
	if res := handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindCommand, Command: "staff"}); !hasText(res, "staff.menu_title") {
		t.Errorf("the listed admin lost the staff menu: %v", ids(res))
	}
}

// TestAcceptsFile: only staff who may edit a network may send the file.
func TestAcceptsFile(t *testing.T) {
	svc, _ := staffService(t)
	for user, want := range map[int64]bool{public: false, operatorCrem: false, volArca: true, coordArca: true, volAmaranta: true, bootAdmin: true} {
		if got := svc.AcceptsFile(context.Background(), user); got != want {
			t.Errorf("AcceptsFile(%d) = %v, want %v", user, got, want)
		}
	}
}
