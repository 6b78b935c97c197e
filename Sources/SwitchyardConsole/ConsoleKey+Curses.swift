import CNcursesw

extension ConsoleKey {
    /// Decodes what `get_wch` returned: `OK` with a character, `KEY_CODE_YES` with a function key; nil for nothing or a key the console ignores.
    init?(cursesResult result: Int32, code: UInt32) {
        if result == KEY_CODE_YES {
            switch Int32(code) {
            case KEY_UP: self = .up
            case KEY_DOWN: self = .down
            case KEY_LEFT: self = .left
            case KEY_RIGHT: self = .right
            case KEY_SLEFT: self = .shiftLeft
            case KEY_SRIGHT: self = .shiftRight
            case KEY_NPAGE: self = .pageDown
            case KEY_PPAGE: self = .pageUp
            case KEY_BTAB: self = .backTab
            case KEY_ENTER: self = .enter
            case KEY_BACKSPACE: self = .backspace
            case KEY_RESIZE: self = .resize
            default: return nil
            }
            return
        }
        guard result == OK, let scalar = Unicode.Scalar(code) else { return nil }
        switch code {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26: self = .control(Character(Unicode.Scalar(code + 96)!))
        case 0..<32: return nil
        default: self = .character(Character(scalar))
        }
    }
}
