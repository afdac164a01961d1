"""Reading Swift symbols from perf without a Swift toolchain, and the phase summary."""

from driftbench.phases import render_phases, short_symbol


def test_short_symbol_reads_swift_names():
    assert short_symbol("$s14KeelMonitoring9DataTableV6numberySdSgSSFZTf4nd_n") == "KeelMonitoring.DataTable.number"
    assert short_symbol("$s14KeelMonitoring19wassersteinDistanceySdSaySdG_ACtF") == "KeelMonitoring.wassersteinDistance"
    assert short_symbol("$sSy10FoundationE18trimmingCharacters2inSSAA12CharacterSetV_tF").startswith(
        "Foundation.trimmingCharacters")
    closure = "$s14KeelMonitoring9DataTableV6header4rowsACSaySSG_SaySaySSSgGGtcfcAC6ColumnVSi_SStXEfU_"
    assert short_symbol(closure) == "KeelMonitoring.DataTable.header.rows (closure)"


def test_short_symbol_leaves_other_symbols_alone():
    assert short_symbol("tryCast") == "tryCast"
    assert short_symbol("__GI_____strtod_l_internal") == "__GI_____strtod_l_internal"


def test_render_phases():
    text = render_phases({"read_and_type_s": 40.0, "read_and_type_peak_rss_mb": 900.0, "tests_s": 10.0,
                          "full_wall_s": 50.0, "full_peak_rss_mb": 1000.0})
    assert "40.00 s (80% of the run)" in text and "10.00 s" in text and "1,000 MB" in text
