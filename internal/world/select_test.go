package world

import (
	"errors"
	"slices"
	"testing"

	"pilotmap/internal/store"
)

func TestParseSelection(t *testing.T) {
	one := &World{
		Programs: []store.Program{{ID: 1, Name: "创建幸福家庭活动"}},
		Batches:  []store.Batch{{ProgramID: 1, Number: 2}, {ProgramID: 1, Number: 3}},
	}
	two := &World{
		Programs: append(slices.Clone(one.Programs), store.Program{ID: 2, Name: "其他"}),
		Batches:  append(slices.Clone(one.Batches), store.Batch{ProgramID: 2, Number: 1}),
	}
	for _, c := range []struct {
		w                  *World
		program, batches   string
		has                bool
		want               Selection
		param, value, errs string
	}{
		{w: one, want: Selection{}},
		{w: one, program: "创建幸福家庭活动", want: Selection{ProgramID: 1}},
		{w: one, batches: "3,2,3", has: true, want: Selection{ProgramID: 1, Batches: []int{2, 3}}},
		{w: two, program: "其他", batches: "1", has: true, want: Selection{ProgramID: 2, Batches: []int{1}}},
		{w: two, batches: "1", has: true, param: "program", errs: "program: required with batch: 2 programs are stored"},
		{w: one, program: "x", param: "program", value: "x"},
		{w: one, batches: "9", has: true, param: "batch", value: "9", errs: `batch "9": the program has no batch 9`},
		{w: two, program: "其他", batches: "2", has: true, param: "batch", value: "2"},
		{w: one, batches: "02", has: true, param: "batch", value: "02"},
		{w: one, batches: "+2", has: true, param: "batch", value: "+2"},
		{w: one, batches: "2,", has: true, param: "batch", value: "2,"},
		{w: one, batches: "", has: true, param: "batch"},
	} {
		got, err := c.w.ParseSelection(c.program, c.batches, c.has)
		var se *SelectionError
		switch {
		case c.param == "" && err != nil:
			t.Errorf("%q %q: %v", c.program, c.batches, err)
		case c.param == "" && (got.ProgramID != c.want.ProgramID || !slices.Equal(got.Batches, c.want.Batches)):
			t.Errorf("%q %q: %+v, want %+v", c.program, c.batches, got, c.want)
		case c.param != "" && (!errors.As(err, &se) || se.Param != c.param || se.Value != c.value):
			t.Errorf("%q %q: error %v, want one naming %s %q", c.program, c.batches, err, c.param, c.value)
		case c.errs != "" && err.Error() != c.errs:
			t.Errorf("%q %q: %q, want %q", c.program, c.batches, err, c.errs)
		}
	}
}
