//! The `spec.definition` of generated APIs, one per API type.

use super::docs::title;

pub(super) fn openapi_definition(name: &str) -> String {
    format!(
        "    openapi: 3.0.3
    info:
      title: {t}
      version: 1.4.0
    paths:
      /v1/items:
        get:
          summary: List items
          parameters:
            - name: limit
              in: query
              schema:
                type: integer
          responses:
            \"200\":
              description: A page of items
      /v1/items/{{id}}:
        get:
          summary: Get one item
          responses:
            \"200\":
              description: The item
            \"404\":
              description: No such item
",
        t = title(name)
    )
}

pub(super) fn grpc_definition(name: &str) -> String {
    let pkg = name.replace('-', "_");
    format!(
        "    syntax = \"proto3\";

    package acme.{pkg}.v1;

    service Api {{
      rpc Get(GetRequest) returns (Item);
      rpc List(ListRequest) returns (stream Item);
    }}

    message GetRequest {{ string id = 1; }}
    message ListRequest {{ int32 limit = 1; string page_token = 2; }}
    message Item {{ string id = 1; string name = 2; int64 updated_at = 3; }}
"
    )
}

pub(super) fn asyncapi_definition(name: &str) -> String {
    format!(
        "    asyncapi: 2.6.0
    info:
      title: {t}
      version: 0.3.0
    channels:
      {name}.v1:
        subscribe:
          message:
            payload:
              type: object
              required: [id, at]
              properties:
                id:
                  type: string
                at:
                  type: string
                  format: date-time
",
        t = title(name)
    )
}

pub(super) fn graphql_definition(name: &str) -> String {
    let ty = title(name).replace(' ', "");
    format!(
        "    type {ty} {{
      id: ID!
      name: String!
      updatedAt: String
    }}

    type Query {{
      item(id: ID!): {ty}
      items(first: Int = 20, after: String): [{ty}!]!
    }}
"
    )
}
