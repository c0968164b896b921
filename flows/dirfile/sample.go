package dirfile

import (
	"bytes"
	_ "embed" // the sample directory ships inside the binary
	"fmt"

	"frontdoor/flows/directory"
)

//go:embed sample.toml
var sampleFile []byte

// SampleFile returns the sample directory file, comments included: the
// commented example a volunteer copies to write the real directory.
func SampleFile() []byte { return bytes.Clone(sampleFile) }

// Sample returns the directory of the two seed networks, ARCA and Amaranta,
// with invented hours and unreachable phones, marked as sample data. It lets
// a fresh deployment or the console show real-looking dialogues before the
// real directory is imported. Each call returns a fresh copy.
func Sample() directory.Data {
	d, err := Decode(bytes.NewReader(sampleFile))
	if err != nil {
		// Cannot happen: TestSample decodes the same embedded file.
		panic(fmt.Sprintf("dirfile: the embedded sample directory is invalid: %v", err))
	}
	return d
}
