package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Operator;
import org.openbwc.gateway.auth.OperatorDirectory;

/** What only an admin reads: the tail of the audit log and the operator accounts (without their password hashes). */
public final class AdminRoutes {

    static final int MAX_AUDIT_ENTRIES = 1000;

    private final AuditLog audit;
    private final OperatorDirectory directory;
    private final Replies replies;

    public AdminRoutes(AuditLog audit, OperatorDirectory directory, ObjectMapper mapper) {
        this.audit = audit;
        this.directory = directory;
        this.replies = new Replies(mapper);
    }

    void audit(Context ctx) {
        replies.json(ctx, 200, audit.recent(Replies.points(ctx, MAX_AUDIT_ENTRIES)));
    }

    void users(Context ctx) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Operator op : directory.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("username", op.name());
            m.put("role", op.role().wire());
            m.put("created", op.created().toString());
            list.add(m);
        }
        replies.json(ctx, 200, list);
    }
}
