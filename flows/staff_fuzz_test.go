package flows_test

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/store/memstore"
)

// FuzzParseLatLon: what a volunteer types as a location is a point on the
// globe or an error, never NaN or out of range.
func FuzzParseLatLon(f *testing.F) {
	for _, s := range []string{"45.1332, 10.0227", "45,10", "-90,180", "91,0", "NaN,1", "Inf,-Inf", "1e308,1", "", ",", "45.1;10.2", "0x1p-2,0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lat, lon, err := directory.ParseLatLon(s)
		if err != nil {
			return
		}
		if math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
			t.Fatalf("%q → %v, %v", s, lat, lon)
		}
	})
}

// staffFields are the field prompts a volunteer opens before typing.
var staffFields = []string{"", "st.field:arca-crema/location", "st.field:arca-crema/name", "st.field:arca-crema/town",
	"st.field:arca-crema/address", "st.field:arca-crema/phones", "st.field:arca-crema/towns", "st.field:arca-crema/services",
	"st.field:arca-crema/languages", "st.closure:arca-crema", "st.hours:arca-crema", "st.add:arca", "st.field:amaranta-bresso/name",
	"st.cledit:arca-cremona/20261224-20270106", "st.clrm:arca-cremona/20261224-20270106", "st.line:arca", "st.line:amaranta",
	"st.publish:arca-crema", "st.field:/name", "st.closures:amaranta-bresso"}

// FuzzStaffDialogue: a volunteer of one network opens a field and types
// anything, or presses a forged staff button, then confirms: the dialogue
// answers, never fails, and the other network's centres stay as they were.
func FuzzStaffDialogue(f *testing.F) {
	for i, s := range []string{"45.1, 10.2", "Nuovo nome", "riservato", "0373 654321, +39 333 1112223", "Crema, Lodi", "legal, groups",
		"it, en, zz", "chiuso 1/8/2027-20/8/2027", "lun 9-12", "st.deleteok:amaranta-bresso", "st.fieldok", "st.import", "\x00", ""} {
		f.Add(uint8(i), s)
	}
	f.Add(uint8(1), "45.1, 10.2")
	f.Add(uint8(2), "Nuovo nome")
	f.Add(uint8(5), "0373 654321")
	f.Add(uint8(12), "Preso")
	f.Fuzz(func(t *testing.T, field uint8, text string) {
		svc, _ := staffService(t)
		other := svc.Directory().StaffCentres("amaranta")
		otherNet, _ := svc.Directory().Network("amaranta")
		ctx := context.Background()
		for _, in := range []flows.Input{
			{Kind: flows.KindButton, Data: staffFields[int(field)%len(staffFields)]},
			{Kind: flows.KindText, Text: text},
			{Kind: flows.KindButton, Data: text},
			{Kind: flows.KindButton, Data: "st.fieldok"},
			{Kind: flows.KindButton, Data: "st.ok"},
		} {
			in.Chat, in.From = volArca, volArca
			res, err := svc.Handle(ctx, in)
			if err != nil {
				t.Fatalf("%+v: %v", in, err)
			}
			if len(res.Replies) == 0 && !res.Wipe && !res.Duplicate {
				t.Fatalf("no reply to %+v", in)
			}
		}
		if got := svc.Directory().StaffCentres("amaranta"); !reflect.DeepEqual(got, other) {
			t.Fatalf("a volunteer of arca changed amaranta's centres")
		}
		if got, _ := svc.Directory().Network("amaranta"); got != otherNet {
			t.Fatalf("a volunteer of arca changed the network amaranta")
		}
	})
}

// FuzzStaffName: whatever a member of staff types as her name, and
// whatever is typed after /link in a group, the dialogue answers; a name
// saved is short, printable and has a letter; nothing is linked without a
// code.
func FuzzStaffName(f *testing.F) {
	for _, s := range []string{"Giulia C.", "  Anna   ", "", "\x00\x01", "1234", "<b>x</b>", "ﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺﷺ", "abcdefgh", "LINK:abcdefgh"} {
		f.Add(s)
	}
	st := memstore.New()
	svc := flows.NewService(st, sampleDir(f), flows.Options{Langs: []string{"it"}, Staff: st, Directory: st, Callbacks: st, Admins: []int64{1}})
	f.Fuzz(func(t *testing.T, s string) {
		ctx := context.Background()
		for _, in := range []flows.Input{
			{Chat: 1, Kind: flows.KindButton, Data: "st.name"},
			{Chat: 1, Kind: flows.KindText, Text: s},
			{Chat: -1, From: 2, Group: true, Kind: flows.KindCommand, Command: "link", Args: s},
		} {
			res, err := svc.Handle(ctx, in)
			if err != nil || len(res.Replies) == 0 {
				t.Fatalf("%+v answered %+v, %v", in, res, err)
			}
		}
		me, _, _ := st.Staff(ctx, 1)
		n := utf8.RuneCountInString(me.Name)
		if me.Name != "" && (n > 32 || !strings.ContainsFunc(me.Name, unicode.IsLetter) || strings.ContainsFunc(me.Name, func(r rune) bool { return !unicode.IsPrint(r) })) {
			t.Fatalf("saved the name %q", me.Name)
		}
		if ops, _ := st.Operators(ctx); len(ops) != 0 {
			t.Fatalf("a group was linked without a code: %+v", ops)
		}
	})
}
