import SessionsDisplay
import Testing

@Suite("Label column")
struct LabelColumnTests {
    @Test("values start two cells past the widest label, and no label is ever cut")
    func widensToFit() {
        let column = LabelColumn(["id", "tool_use_id", "名前"])
        #expect(column.width == 11 && column.valueColumn == 13)
        #expect(column.lead("id") == "id" + String(repeating: " ", count: 11))
        #expect(column.lead("tool_use_id") == "tool_use_id  ")
        #expect(column.lead("名前") == "名前" + String(repeating: " ", count: 9))
        let lines = column.lines(label: "tool_use_id", values: ["\"toolu_01\"", "more"])
        #expect(lines.map(\.lead) == ["tool_use_id  ", column.blank])
        #expect(lines.map(\.value) == ["\"toolu_01\"", "more"])
    }

    @Test("a label too long for any sensible column has a line of its own, its value below")
    func longLabelAlone() {
        let long = String(repeating: "x", count: LabelColumn.widestLabel + 1)
        let column = LabelColumn(["step", long])
        #expect(column.width == 4)
        #expect(column.lead(long) == nil)
        let lines = column.lines(label: long, values: ["1", "2"])
        #expect(lines.map(\.lead) == [long, "      ", "      "])
        #expect(lines.map(\.value) == [nil, "1", "2"])
        #expect(column.lines(label: "step", values: [String]()).map(\.lead) == ["step  "])
    }
}
