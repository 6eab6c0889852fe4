"""Lost persons: a lost child or vulnerable adult, searched for the Code Adam way."""
