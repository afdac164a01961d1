import Foundation
import NIOCore
import NIOFoundationCompat

/// Splits the worker's byte stream into frames: `u32 BE length`, JSON header, attachment.
///
/// The attachment's size is only known once the header is parsed, so the decoder parses the
/// header as soon as it is complete and keeps it while the attachment arrives.
struct WorkerFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = WorkerMessage

    /// The protocol's ceiling for one JSON header (PROTOCOL.md §2).
    static let maxHeaderBytes = 64 << 20
    /// The protocol's ceiling for one attachment.
    static let maxAttachmentBytes = 256 << 20

    private var pendingHeader: WorkerHeader?
    private let decoder = JSONDecoder()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if pendingHeader == nil {
            guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
            guard length <= Self.maxHeaderBytes else { throw WorkerError.protocolViolation("header of \(length) bytes") }
            guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
            buffer.moveReaderIndex(forwardBy: 4)
            let json = buffer.readSlice(length: Int(length))!
            let header: WorkerHeader
            do {
                header = try decoder.decode(WorkerHeader.self, from: json)
            } catch {
                throw WorkerError.protocolViolation("unreadable frame header: \(error)")
            }
            let attachment = header.binaryLength ?? 0
            guard attachment >= 0, attachment <= Self.maxAttachmentBytes else {
                throw WorkerError.protocolViolation("attachment of \(attachment) bytes")
            }
            pendingHeader = header
        }
        let header = pendingHeader!
        let attachmentLength = header.binaryLength ?? 0
        guard buffer.readableBytes >= attachmentLength else { return .needMoreData }
        let attachment = buffer.readSlice(length: attachmentLength)!
        pendingHeader = nil
        context.fireChannelRead(Self.wrapInboundOut(WorkerMessage(header: header, attachment: attachment)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
