/// A session's row of `sessions`, to and from the model. A row is read back
/// through the model's own decoder, so the database answers to the same
/// rules as a file; what the columns do not model waits in `extra`, in its
/// order, and the conversation in a column of its own.
enum SessionRow {
    static let columns = "id, type, agent, environment, status, state, account_id, project_id, component_id, "
        + "inserted_at, updated_at, time_digits, extra, conversation"
    /// The same, with NULL where the conversation stands: a list, which
    /// does not show it, need not have every prompt and reply sent over.
    static let columnsWithoutConversation = columns.replacing(", conversation", with: ", NULL")
    static let columnCount = 14
    /// Where `time_digits` is among them: the figures a list or a head reads beside it need it too.
    static let timeDigitsColumn = 11

    /// The session of row `row`, without interactions; without its
    /// conversation too unless `conversation` (a list does not need it).
    static func session(_ rows: DatabaseRows, _ row: Int, conversation: Bool) throws -> Session {
        let digits = rows.text(row, timeDigitsColumn)
        var object = JSONObject()
        object.append("id", .int(rows.int(row, 0) ?? 0))
        object.append("type", .string(rows.text(row, 1) ?? ""))
        object.put("agent", rows.text(row, 2))
        object.put("environment", rows.text(row, 3))
        object.append("status", .string(rows.text(row, 4) ?? ""))
        if let state = try DatabaseValues.value(rows.text(row, 5)) { object.append("state", state) }
        object.append("account_id", .int(rows.int(row, 6) ?? 0))
        if let project = rows.int(row, 7) { object.append("project_id", .int(project)) }
        if let component = rows.int(row, 8) { object.append("component_id", .int(component)) }
        object.put("inserted_at", DatabaseValues.time(rows.text(row, 9), digits: DatabaseValues.digit(digits, 0)))
        object.put("updated_at", DatabaseValues.time(rows.text(row, 10), digits: DatabaseValues.digit(digits, 1)))
        let stored = conversation ? try DatabaseValues.value(rows.text(row, 13)) : nil
        for member in try DatabaseValues.object(rows.text(row, 12)).members {
            if member.key == Session.conversationKey && member.value == .null {
                // Where the conversation stood: its column holds it (NULL: it was null).
                if conversation { object.append(member.key, stored ?? .null) }
            } else {
                object.append(member.key, member.value)
            }
        }
        do {
            return try Session.decode(.object(object), path: "sessions[\(rows.int(row, 0) ?? 0)]")
        } catch {
            throw DatabaseError.failed(target: "table sessions", code: "22000", message: error.description)
        }
    }

    /// Writes `session` and its interactions over whatever its rows held.
    static func write(_ session: Session, _ connection: DatabaseConnection) throws {
        let summary = SessionSummary(session)
        try writeRow(session, count: summary.interactionCount, lastInteractionAt: summary.lastInteractionAt,
                     lastMessageAt: summary.lastMessageAt, lastResult: summary.lastResult, connection)
        try connection.query("DELETE FROM interactions WHERE session_id = $1", [String(session.id.rawValue)])
        try InteractionRow.insert(session.interactions, at: 0, of: session.id, connection)
    }

    /// Writes the session's own row (its interactions are not touched), with
    /// the figures a list shows of them. With `conversationUnchanged`, the
    /// row keeps the conversation it has, which is then not sent again: a
    /// hook event on a long conversation would otherwise write it whole.
    static func writeRow(_ session: Session, count: Int, lastInteractionAt: Timestamp?, lastMessageAt: Timestamp?,
                         lastResult: LastResult?, conversationUnchanged: Bool = false, _ connection: DatabaseConnection) throws {
        var extra = session.extra
        let conversation = conversationUnchanged ? nil : extra[Session.conversationKey]
        if extra[Session.conversationKey] != nil { extra[Session.conversationKey] = .null }
        let id = String(session.id.rawValue)
        try connection.query("""
            INSERT INTO sessions (id, type, agent, environment, status, state, external_conversation_id, account_id,
                project_id, component_id, conversation, extra, inserted_at, updated_at, time_digits,
                interaction_count, last_interaction_at, last_message_at, last_result_status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
            ON CONFLICT (id) DO UPDATE SET type = $2, agent = $3, environment = $4, status = $5, state = $6,
                external_conversation_id = $7, account_id = $8, project_id = $9, component_id = $10,
                conversation = CASE WHEN $20 THEN sessions.conversation ELSE $11::json END, extra = $12, inserted_at = $13, updated_at = $14, time_digits = $15,
                interaction_count = $16, last_interaction_at = $17, last_message_at = $18, last_result_status = $19
            """, [
            id, session.type.name, session.agent?.rawValue, session.environment?.rawValue, session.status.rawValue,
            session.state.map(DatabaseValues.json), session.externalConversationID, String(session.accountID.rawValue),
            session.projectID.map { String($0.rawValue) }, session.componentID.map { String($0.rawValue) },
            conversation.map(DatabaseValues.json), DatabaseValues.json(extra),
            DatabaseValues.time(session.insertedAt), DatabaseValues.time(session.updatedAt),
            DatabaseValues.digits([session.insertedAt, session.updatedAt, lastInteractionAt, lastMessageAt]),
            String(count), lastInteractionAt.map(DatabaseValues.time), lastMessageAt.map(DatabaseValues.time), lastResult?.rawValue,
            conversationUnchanged ? "true" : "false",
        ])
    }
}

/// An interaction's row of `interactions`, to and from the model.
enum InteractionRow {
    static let columns = "id, step_name, command, result, completed_at, inserted_at, updated_at, time_digits, extra"
    static let columnCount = 9

    static func interaction(_ rows: DatabaseRows, _ row: Int, session: Session.ID) throws -> Interaction {
        let digits = rows.text(row, 7)
        var object = JSONObject()
        object.append("id", .string(rows.text(row, 0) ?? ""))
        object.put("step_name", rows.text(row, 1))
        object.append("command", try DatabaseValues.value(rows.text(row, 2)) ?? .null)
        object.append("result", try DatabaseValues.value(rows.text(row, 3)) ?? .null)
        object.put("completed_at", DatabaseValues.time(rows.text(row, 4), digits: DatabaseValues.digit(digits, 0)))
        object.put("inserted_at", DatabaseValues.time(rows.text(row, 5), digits: DatabaseValues.digit(digits, 1)))
        object.put("updated_at", DatabaseValues.time(rows.text(row, 6), digits: DatabaseValues.digit(digits, 2)))
        for member in try DatabaseValues.object(rows.text(row, 8)).members { object.append(member.key, member.value) }
        let (interaction, errors) = Interaction.decode(object, path: "sessions[\(session.rawValue)].interactions[\(row)]")
        guard let interaction else {
            throw DatabaseError.failed(target: "table interactions", code: "22000", message: SchemaError(errors).description)
        }
        return interaction
    }

    /// Inserts `interactions` as positions `first`, `first + 1`… of the session,
    /// many rows a statement: an import writes thousands.
    static func insert(_ interactions: [Interaction], at first: Int, of session: Session.ID, _ connection: DatabaseConnection) throws {
        let perRow = 11, rowsPerStatement = 500
        var start = 0
        while start < interactions.count {
            let chunk = interactions[start..<min(interactions.count, start + rowsPerStatement)]
            var values: [String] = []
            var parameters: [String?] = []
            parameters.reserveCapacity(chunk.count * perRow)
            for (offset, interaction) in chunk.enumerated() {
                let base = offset * perRow
                values.append("(" + (1...perRow).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                parameters += [
                    String(session.rawValue), String(first + start + offset), interaction.id, interaction.stepName,
                    DatabaseValues.json(interaction.command.jsonObject), interaction.result.map { DatabaseValues.json($0.jsonObject) },
                    interaction.completedAt.map(DatabaseValues.time), interaction.insertedAt.map(DatabaseValues.time),
                    interaction.updatedAt.map(DatabaseValues.time),
                    DatabaseValues.digits([interaction.completedAt, interaction.insertedAt, interaction.updatedAt]),
                    DatabaseValues.json(interaction.extra),
                ]
            }
            try connection.query("INSERT INTO interactions (session_id, position, id, step_name, command, result, completed_at, "
                + "inserted_at, updated_at, time_digits, extra) VALUES " + values.joined(separator: ", "), parameters)
            start += chunk.count
        }
    }
}
