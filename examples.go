package main

import "crmgraph/playground"

// exampleTabs open in GraphiQL.
var exampleTabs = []playground.Tab{
	{Name: "Accounts", Query: `# Cirrus accounts with their owner, contacts, latest orders and opportunities.
query Accounts {
  accounts(first: 5, filter: {sources: [CIRRUS]}) {
    totalCount
    edges {
      node {
        id
        name
        owner { name }
        type { name }
        contacts(first: 3) { edges { node { name email } } }
        orders(first: 3) { totalCount edges { node { number placedAt total status { name } } } }
        opportunities(first: 3) { edges { node { title value status { name } } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`},
	{Name: "ConeCRM leads", Query: `# ConeCRM leads with their pipeline stage and contact.
query ConeLeads {
  leads(first: 10, filter: {sources: [CONE]}) {
    totalCount
    edges { node { id title stage { name } contact { name email leads { title } } } }
  }
}
`},
	{Name: "Change requests", Query: `# client-data change requests, statuses localized by language.
query ChangeRequests {
  changeRequests(first: 10) {
    totalCount
    edges {
      node {
        id
        status { code name }
        createdAt
        initiator { name }
        contact { name }
        changes { path originalValue targetValue approvalRequired }
      }
    }
  }
  referenceData(language: "de") { changeRequestStatuses { code name } }
}
`},
	{Name: "Support customers", Query: `# client-data contacts, their pending change requests and their Apideck support customer.
query ContactsAndSupport {
  contacts(first: 10, filter: {sources: [CLIENT_DATA]}) {
    edges {
      node {
        name
        pendingChangeRequest { id createdAt }
        supportCustomer { status emails phones currency }
      }
    }
  }
}
`},
	{Name: "Across systems", Query: `# One customer across systems: Cirrus contact → ConeCRM / client-data links.
query Linked {
  accounts(first: 5, filter: {sources: [CONE]}) {
    edges {
      node {
        name
        source
        externalIds { system externalId }
        links { source sourceId name }
      }
    }
  }
}
`},
}
