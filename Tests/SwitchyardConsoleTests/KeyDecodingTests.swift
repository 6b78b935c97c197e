import CNcursesw
import Testing
@testable import SwitchyardConsole

/// How `get_wch` results become keys.
@Suite struct KeyDecodingTests {
    func key(_ result: Int32, _ code: Int32) -> ConsoleKey? { ConsoleKey(cursesResult: result, code: UInt32(code)) }

    @Test func charactersAndControls() {
        #expect(key(OK, 113) == .character("q"))
        #expect(key(OK, 0xE9) == .character("é"))
        #expect(key(OK, 9) == .tab)
        #expect(key(OK, 10) == .enter)
        #expect(key(OK, 27) == .escape)
        #expect(key(OK, 127) == .backspace)
        #expect(key(OK, 12) == .control("l"))
        #expect(key(OK, 21) == .control("u"))
    }

    @Test func functionKeys() {
        #expect(key(KEY_CODE_YES, KEY_RESIZE) == .resize)
        #expect(key(KEY_CODE_YES, KEY_BTAB) == .backTab)
        #expect(key(KEY_CODE_YES, KEY_UP) == .up)
        #expect(key(KEY_CODE_YES, KEY_NPAGE) == .pageDown)
        #expect(key(KEY_CODE_YES, KEY_F0 + 1) == nil, "keys the console does not use")
    }

    @Test func nothingTyped() {
        #expect(key(ERR, 0) == nil)
    }
}
