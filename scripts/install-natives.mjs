console.log("natives: TODO")
