package flows_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"frontdoor/flows"
)

// casalmaggioreDesk is the sample's desk with a confidential address put
// at lat, lon.
func casalmaggioreDesk(t *testing.T, lat, lon float64) *flows.Service {
	return cardService(t, tuesdayMorning, func(d *flows.DirectoryData) {
		c := centreOf(d, "arca-casalmaggiore")
		c.Lat, c.Lon = lat, lon
	})
}

// TestConfidentialCentreNotLocated is the attack of issue 15: made-up
// shared locations all around a centre whose address is confidential
// (Casalmaggiore's desk) located it to 11 m from the distances shown.
// Now the same desk put at two points of Casalmaggiore 3 km apart gives
// her the very same replies — to locations all around it, to towns near
// it and outside every area, on its card, in the lists of its network
// and of those open now — and no distance to it is ever shown.
func TestConfidentialCentreNotLocated(t *testing.T) {
	const lat, lon = 44.9886, 10.4192 // Piazza Garibaldi
	desk := casalmaggioreDesk(t, lat, lon)
	elsewhere := casalmaggioreDesk(t, 44.9706, 10.3780)
	var probes []flows.Input
	for _, dLat := range []float64{-0.05, -0.01, -0.002, -0.0003, 0, 0.0003, 0.002, 0.01, 0.05} {
		for _, dLon := range []float64{-0.05, -0.01, -0.002, -0.0003, 0, 0.0003, 0.002, 0.01, 0.05} {
			probes = append(probes, flows.Input{Kind: flows.KindLocation, Lat: lat + dLat, Lon: lon + dLon})
		}
	}
	probes = append(probes, flows.Input{Kind: flows.KindLocation, Lat: 44.99, Lon: 10.41})
	for _, town := range []string{"Casalmaggiore", "Viadana", "Sabbioneta", "Colorno", "Parma", "Mantova", "Piadena Drizzona"} {
		probes = append(probes, flows.Input{Kind: flows.KindText, Text: town})
	}
	for _, data := range []string{"c:arca-casalmaggiore", "net:arca", "open:arca", "open:*"} {
		probes = append(probes, flows.Input{Kind: flows.KindButton, Data: data})
	}
	shown := 0
	for i, in := range probes {
		in.Chat = int64(5000 + i)
		start := flows.Input{Chat: in.Chat, Kind: flows.KindCommand, Command: "start"}
		handle(t, desk, start)
		handle(t, elsewhere, start)
		a, b := handle(t, desk, in), handle(t, elsewhere, in)
		if !reflect.DeepEqual(a.Replies, b.Replies) {
			t.Errorf("%s: the replies tell where in Casalmaggiore the desk is:\n%s\n---\n%s", probe(in), rendered(t, a, "it"), rendered(t, b, "it"))
			continue
		}
		got := rendered(t, a, "it")
		if strings.Contains(got, "ARCA Casalmaggiore, Casalmaggiore (") {
			t.Errorf("%s: a distance to the desk is shown:\n%s", probe(in), got)
		}
		if strings.Contains(got, "ARCA Casalmaggiore") {
			shown++
		}
	}
	if shown < len(probes)/2 {
		t.Errorf("the desk is in only %d of %d replies: the probes miss it", shown, len(probes))
	}
	for _, svc := range []*flows.Service{desk, elsewhere} {
		c, _ := svc.Directory().Centre("arca-casalmaggiore")
		d := svc.Directory().Data()
		if e := centreOf(&d, "arca-casalmaggiore"); c.Lat != 44.9858 || c.Lon != 10.4147 || e.Lat != c.Lat || e.Lon != c.Lon {
			t.Errorf("the directory keeps the desk at %v,%v and exports it at %v,%v, not at the point of Casalmaggiore", c.Lat, c.Lon, e.Lat, e.Lon)
		}
	}
}

// probe says what she sent.
func probe(in flows.Input) string {
	if in.Kind == flows.KindLocation {
		return fmt.Sprintf("location %v,%v", in.Lat, in.Lon)
	}
	return in.Text + in.Data
}

// TestPublicCentreDistance: a centre whose address is public keeps its
// own position and its distance, to the 50 m.
func TestPublicCentreDistance(t *testing.T) {
	svc := casalmaggioreDesk(t, 44.9886, 10.4192)
	res := handle(t, svc, flows.Input{Kind: flows.KindLocation, Lat: 45.364, Lon: 9.681})
	if got := rendered(t, res, "it"); !strings.Contains(got, "ARCA Crema, Crema (350 m)") {
		t.Errorf("the distance to a public centre is not shown:\n%s", got)
	}
}

// TestVolunteerEditsConfidentialPosition: the position a volunteer shares
// for a centre whose address is confidential is not kept, not even in her
// session while she looks at the preview; she is told so, and the audit
// trail keeps no position of it either.
func TestVolunteerEditsConfidentialPosition(t *testing.T) {
	svc, st := staffService(t)
	say := func(in flows.Input) flows.Result {
		in.Chat = volArca
		return handle(t, svc, in)
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.field:arca-casalmaggiore/location"})
	res := say(flows.Input{Kind: flows.KindLocation, Lat: 44.9886, Lon: 10.4192})
	if !hasText(res, "staff.coarse_position") || !strings.Contains(rendered(t, res, "it"), "Casalmaggiore (CR)") {
		t.Errorf("she is not told that the exact position is not kept:\n%s", rendered(t, res, "it"))
	}
	sess, _, err := st.Session(context.Background(), volArca)
	if err != nil || strings.Contains(fmt.Sprint(sess.Data), "44.9886") || strings.Contains(fmt.Sprint(sess.Data), "10.4192") {
		t.Errorf("her session keeps the exact position: %v %v", sess.Data, err)
	}
	if res := say(flows.Input{Kind: flows.KindButton, Data: "st.fieldok"}); !hasText(res, "staff.saved") {
		t.Fatalf("not saved: %v", ids(res))
	}
	if c, _ := svc.Directory().Centre("arca-casalmaggiore"); c.Lat != 44.9858 || c.Lon != 10.4147 {
		t.Errorf("kept at %v,%v, not at the point of Casalmaggiore", c.Lat, c.Lon)
	}
	entries, _ := st.Audit(context.Background(), "arca", 1)
	if len(entries) != 1 || entries[0].Field != "location" || entries[0].Before != flows.ConfidentialValue || entries[0].After != flows.ConfidentialValue {
		t.Errorf("audit: %+v", entries)
	}
	// A public centre keeps the position she gives, and she is not told
	// otherwise.
	say(flows.Input{Kind: flows.KindButton, Data: "st.field:arca-crema/location"})
	if res := say(flows.Input{Kind: flows.KindLocation, Lat: 45.3641, Lon: 9.6812}); hasText(res, "staff.coarse_position") {
		t.Errorf("told of a coarse position for a public address")
	}
	say(flows.Input{Kind: flows.KindButton, Data: "st.fieldok"})
	if c, _ := svc.Directory().Centre("arca-crema"); c.Lat != 45.3641 || c.Lon != 9.6812 {
		t.Errorf("a public centre is at %v,%v", c.Lat, c.Lon)
	}
}

// TestVolunteerMakesAddressConfidential: once a centre's address becomes
// confidential its own coordinates are gone.
func TestVolunteerMakesAddressConfidential(t *testing.T) {
	svc, _ := staffService(t)
	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.field:arca-crema/address"})
	res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: "riservato"})
	if !hasText(res, "staff.coarse_position") {
		t.Errorf("she is not told that the exact position is not kept: %v", ids(res))
	}
	handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.fieldok"})
	if c, _ := svc.Directory().Centre("arca-crema"); !c.AddressConfidential || c.Lat != 45.3667 || c.Lon != 9.68333 {
		t.Errorf("after the address became confidential: %+v", c)
	}
}

// TestImportKeepsCoarse: a file that gives a confidential centre its own
// coordinates imports nothing of them; she is told so, and the file
// otherwise the same as the directory changes nothing.
func TestImportKeepsCoarse(t *testing.T) {
	svc, _ := staffService(t)
	export := handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindButton, Data: "st.export"})
	file := string(export.Replies[0].Document.Data)
	if !strings.Contains(file, "lat = 44.9858\nlon = 10.4147\n") {
		t.Fatalf("the export does not hold the desk at the point of Casalmaggiore:\n%s", file)
	}
	exact := strings.Replace(file, "lat = 44.9858\nlon = 10.4147\n", "lat = 44.9886\nlon = 10.4192\n", 1)
	res := handle(t, svc, flows.Input{Chat: bootAdmin, Kind: flows.KindDocument, Document: []byte(exact), DocumentName: "d.toml"})
	if !hasText(res, "staff.import_same") || !hasText(res, "staff.import_coarse") || !strings.Contains(rendered(t, res, "it"), "ARCA Casalmaggiore") {
		t.Errorf("a file with the desk's own coordinates:\n%s", rendered(t, res, "it"))
	}
}
